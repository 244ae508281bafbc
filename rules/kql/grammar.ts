/**
 * The KQL grammar (peggy syntax), kept as a string so it travels with the compiled JS in dist/
 * without a copy step. It follows Kibana's kuery grammar: `or` binds loosest, then `and`, then `not`;
 * keywords are case-insensitive and need spaces around them; `\` escapes a special character.
 *
 * Actions build the AST of ast.ts. Value lists (`f: (a or b)`) are parsed into a small list tree
 * and then expanded into match nodes on the field, so later stages never see lists.
 * Unquoted values are kept as pieces (strings and STAR markers) until the end, so an escaped `\*`
 * stays a literal star while a bare `*` becomes a wildcard.
 * Field names are pieces too: a bare `*` in a name (`file.hash.*`) makes a field pattern. A nested
 * group (`path: { a: x and b: y }`) is resolved here: its fields are prefixed with the path, so later
 * stages see ordinary nodes on the full field names (see ast.ts for what that means).
 */
export const KQL_GRAMMAR = String.raw`
{{
  const STAR = { star: true };

  function nary(type, head, tail) {
    return tail.length === 0 ? head : { type, children: [head, ...tail] };
  }

  // pieces: array of strings and STAR; returns a KqlValue
  function unquoted(pieces) {
    if (!pieces.includes(STAR)) return { kind: 'literal', text: pieces.join('') };
    const segments = [''];
    for (const p of pieces) {
      if (p === STAR) segments.push('');
      else segments[segments.length - 1] += p;
    }
    return { kind: 'wildcard', segments };
  }

  function isExistsValue(v) {
    return v.kind === 'wildcard' && v.segments.length === 2 && v.segments[0] === '' && v.segments[1] === '';
  }

  // A field name from its pieces: { name, segments } where segments (the literal parts between stars)
  // is null for a plain name.
  function fieldName(pieces) {
    if (!pieces.includes(STAR)) return { name: pieces.join(''), segments: null };
    const segments = unquoted(pieces).segments;
    return { name: segments.join('*'), segments };
  }

  // The node's field properties: field, plus fieldPattern for a pattern.
  function fieldProps(f) {
    return f.segments ? { field: f.name, fieldPattern: f.segments } : { field: f.name };
  }

  // path.inner, keeping the stars of either
  function joinFields(path, inner) {
    if (!path.segments && !inner.segments) return { name: path.name + '.' + inner.name, segments: null };
    const a = path.segments ?? [path.name];
    const b = inner.segments ?? [inner.name];
    const segments = [...a.slice(0, -1), a[a.length - 1] + '.' + b[0], ...b.slice(1)];
    return { name: segments.join('*'), segments };
  }

  // The fields of every node below a nested group, prefixed with its path (fail: peggy's error()).
  function prefixFields(path, node, fail) {
    switch (node.type) {
      case 'and': case 'or': return { type: node.type, children: node.children.map((c) => prefixFields(path, c, fail)) };
      case 'not': return { type: 'not', child: prefixFields(path, node.child, fail) };
      case 'text': return node;
      default: {
        const { field, fieldPattern, ...rest } = node;
        const joined = joinFields(path, { name: field, segments: fieldPattern ?? null });
        if (joined.segments && node.type === 'range') fail('a range needs a field name without wildcards: ' + joined.name);
        return { ...rest, ...fieldProps(joined) };
      }
    }
  }

  // Turns a value list tree into the AST for one field.
  function expand(field, list) {
    switch (list.type) {
      case 'vor': return { type: 'or', children: list.children.map((c) => expand(field, c)) };
      case 'vand': return { type: 'and', children: list.children.map((c) => expand(field, c)) };
      case 'vnot': return { type: 'not', child: expand(field, list.child) };
      default:
        return isExistsValue(list.value)
          ? { type: 'exists', ...fieldProps(field) }
          : { type: 'match', ...fieldProps(field), value: list.value };
    }
  }
}}

Start = Space* q:OrQuery Space* { return q; }

OrQuery = head:AndQuery tail:(Or @AndQuery)* { return nary('or', head, tail); }
AndQuery = head:NotQuery tail:(And @NotQuery)* { return nary('and', head, tail); }
NotQuery = Not q:NotQuery { return { type: 'not', child: q }; } / SubQuery
SubQuery = '(' Space* q:OrQuery Space* ')' { return q; } / Expression

Expression = FieldRangeExpression / NestedExpression / FieldValueExpression / ValueExpression

FieldRangeExpression = field:Field Space* op:RangeOperator Space* value:RangeValue {
  if (field.segments) error('a range needs a field name without wildcards: ' + field.name);
  return { type: 'range', field: field.name, op, value };
}
NestedExpression = field:Field Space* ':' Space* '{' Space* q:OrQuery Space* '}' { return prefixFields(field, q, error); }
FieldValueExpression = field:Field Space* ':' Space* list:ListOfValues { return expand(field, list); }
ValueExpression = value:Value { return { type: 'text', value }; }

ListOfValues = '(' Space* l:OrListOfValues Space* ')' { return l; }
  / value:Value { return { type: 'value', value }; }
OrListOfValues = head:AndListOfValues tail:(Or @AndListOfValues)* {
  return tail.length ? { type: 'vor', children: [head, ...tail] } : head;
}
AndListOfValues = head:NotListOfValues tail:(And @NotListOfValues)* {
  return tail.length ? { type: 'vand', children: [head, ...tail] } : head;
}
NotListOfValues = Not l:NotListOfValues { return { type: 'vnot', child: l }; } / ListOfValues

Field "field name" = pieces:FieldChar+ { return fieldName(pieces); }
FieldChar = Escaped / '*' { return STAR; } / !SpecialCharacter !Space c:. { return c; }

RangeOperator "range operator" = '<=' { return 'lte'; } / '>=' { return 'gte'; } / '<' { return 'lt'; } / '>' { return 'gt'; }
RangeValue "value" = QuotedText / pieces:Word { return pieces.map((p) => (p === STAR ? '*' : p)).join(''); }

Value "value" = text:QuotedText { return { kind: 'phrase', text }; }
  / pieces:UnquotedPieces { return unquoted(pieces); }

// Words separated by spaces; a keyword (or/and/not followed by a space) ends the value.
UnquotedPieces = first:Word rest:(s:$Space+ !(Keyword Space) w:Word { return [s, ...w]; })* {
  return first.concat(...rest);
}
Word = !(Keyword Space) chars:UnquotedChar+ { return chars; }
UnquotedChar = Escaped / '*' { return STAR; } / !SpecialCharacter !Space c:. { return c; }

QuotedText = '"' chars:QuotedChar* '"' { return chars.join(''); }
QuotedChar = EscapedWhitespace / '\\' c:. { return c; } / !'"' c:. { return c; }

Escaped = EscapedWhitespace / '\\' k:$('or'i / 'and'i / 'not'i) { return k; } / '\\' c:[\\():<>"*{}] { return c; }
EscapedWhitespace = '\\t' { return '\t'; } / '\\r' { return '\r'; } / '\\n' { return '\n'; }

SpecialCharacter = [\\():<>"*{}]
Keyword = 'or'i / 'and'i / 'not'i
Or "or" = Space+ 'or'i Space+
And "and" = Space+ 'and'i Space+
Not "not" = 'not'i Space+
Space "whitespace" = [ \t\r\n]
`;
