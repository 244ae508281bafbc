import { analyze, NON_ASCII } from './analyze';
import { FREE_TEXT_FIELD, type Ast, type KqlValue, type RangeOp } from './ast';
import { dateValueMs, parseDateSpan } from './dates';
import { keywordOf, KEYWORD_IGNORE_ABOVE, VIGIL_FIELDS, type FieldKind, type FieldMap } from './fields';
import { ipOf, ipSpan, ipValue } from './ip';
import { compileFieldVisitor } from '../field-path';
import { compileGlob, splitWildcardWords } from './glob';
import { compilePatternMatcher, isAllFields } from './field-pattern';

/** A compiled query: true when the event matches. */
export type Matcher = (doc: Record<string, unknown>) => boolean;
/** A test on one indexed value of a field (arrays are tried element by element). */
type ValueTest = (v: unknown) => boolean;

const never: ValueTest = () => false;

/**
 * Compiles a KQL AST into a predicate over Vigil's events with Elasticsearch's semantics under Vigil's
 * mapping (see fields.ts). All per-query work (field paths, analysed terms, patterns, dates) happens
 * here, once; the returned closure only walks the event.
 */
export function compileMatcher(ast: Ast, fields: FieldMap = VIGIL_FIELDS): Matcher {
  const compile = (a: Ast): Matcher => compileMatcher(a, fields);
  // a field's value is read at its source path (a multi-field reads its parent's value)
  const anyValue = (path: string, test: ValueTest): Matcher => anyValueAt(fields.source(path), test);
  switch (ast.type) {
    case 'and': {
      const parts = ast.children.map(compile);
      return (doc) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i](doc)) return false;
        return true;
      };
    }
    case 'or': {
      // values of one field (`message: *OutOfMemory* or message: panic*`): the field is read once, each value meeting every test
      const merged = sameFieldOr(ast.children, fields);
      if (merged) return merged;
      const parts = ast.children.map(compile);
      return (doc) => {
        for (let i = 0; i < parts.length; i++) if (parts[i](doc)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compile(ast.child);
      return (doc) => !inner(doc);
    }
    case 'exists':
      if (ast.fieldPattern && isAllFields(ast.fieldPattern)) return () => true; // `*: *`, as Kibana: every event
      if (ast.fieldPattern) return compilePatternMatcher(ast.fieldPattern, fields, existsTest);
      return anyValue(ast.field, existsTest(fields.kind(ast.field)));
    case 'match': {
      const value = ast.value;
      if (ast.fieldPattern) return compilePatternMatcher(ast.fieldPattern, fields, (kind) => valueTest(kind, value));
      return anyValue(ast.field, valueTest(fields.kind(ast.field), value));
    }
    case 'text': return anyValue(FREE_TEXT_FIELD, valueTest(fields.kind(FREE_TEXT_FIELD), ast.value));
    case 'range': return anyValue(ast.field, rangeTest(fields.kind(ast.field), ast.op, ast.value));
  }
}

// ---- reading fields -------------------------------------------------------------------------

/** Whether some value at the path passes `test` (how paths are read: ../field-path.ts). */
function anyValueAt(path: string, test: ValueTest): Matcher {
  const visit = compileFieldVisitor(path);
  return (doc) => visit(doc, test);
}

function hasLeaf(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.some(hasLeaf);
  if (typeof v === 'object') return Object.values(v as object).some(hasLeaf);
  return true;
}

// ---- indexed forms of a value, per field kind ------------------------------------------------

/** A long field coerces numeric strings; anything else is dropped (ignore_malformed). */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

// The rules of one event often read the same text field (message): its analysis is kept for the next one.
let lastText: string | null = null;
let lastTokens: string[] = [];

/**
 * What a text value must hold for a test to pass: alternatives, each a list of pieces that the lower-cased
 * text holds all of when the test passes (a term is a token; a pattern's token holds its literal parts).
 * null when some alternative needs nothing (a pattern of wildcards alone).
 */
type TextPieces = string[][] | null;

/**
 * A search, in any case, for one piece of each alternative (its longest), or for a character that could
 * hide a piece from it: a test whose pieces are not found cannot pass, found without tokens or a
 * lower-cased copy. When every piece is ASCII, the only such characters are U+0130 and U+212A, the two
 * characters outside ASCII whose lower case holds an ASCII letter (İ → i̇, K → k): a piece found in the
 * lower-cased text is otherwise a run of ASCII characters of the text itself, which the search finds in
 * any case (with the `i` flag and without `u`, no character outside ASCII matches an ASCII one). A piece
 * outside ASCII leaves every text that is not ASCII to the tokens (case folding and lower-casing disagree
 * on some letters: ẞ, ϴ, Ω). One scan of the text answers both. null: no such search.
 */
export function piecesSearch(alternatives: TextPieces): RegExp | null {
  if (!alternatives || alternatives.length === 0 || alternatives.some((a) => a.length === 0)) return null;
  const longest = [...new Set(alternatives.map((a) => a.reduce((x, y) => (y.length > x.length ? y : x))))];
  const escape = longest.every((p) => !NON_ASCII.test(p)) ? '[\\u0130\\u212a]' : '[^\\x00-\\x7f]';
  const pieces = longest.map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  return new RegExp([...pieces, escape].join('|'), 'i');
}

/** Whether `v` may pass a test whose pieces (or a character outside ASCII) `search` looks for. */
function mayHold(search: RegExp | null, v: unknown): boolean {
  return search === null || typeof v !== 'string' || search.test(v);
}

function tokensOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') {
    if (v !== lastText) { lastTokens = analyze(v); lastText = v; }
    return lastTokens;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return analyze(String(v));
  return undefined;
}

// ---- tests per field kind ---------------------------------------------------------------------

function existsTest(kind: FieldKind): ValueTest {
  switch (kind) {
    case 'keyword': return (v) => keywordOf(v) !== undefined;
    case 'wildcard': return (v) => keywordOf(v, Infinity) !== undefined;
    case 'ip': return (v) => ipOf(v) !== undefined;
    case 'boolean': return (v) => booleanOf(v) !== undefined;
    case 'long': return (v) => numberOf(v) !== undefined;
    case 'date': return (v) => dateValueMs(v) !== undefined;
    // a text value without any token has no norms in Lucene, so `exists` does not see it
    case 'text': return (v) => (tokensOf(v)?.length ?? 0) > 0;
    case 'object': return hasLeaf;
    case 'unindexed': return never;
    case 'dynamic': return (v) => typeof v !== 'object' && v !== null && v !== undefined;
  }
}

function valueTest(kind: FieldKind, value: KqlValue): ValueTest {
  switch (kind) {
    case 'keyword': return keywordTest(value, KEYWORD_IGNORE_ABOVE);
    case 'wildcard': return keywordTest(value, Infinity);
    case 'ip': return ipTest(value);
    case 'boolean': return booleanTest(value);
    case 'text': return textTest(value);
    case 'long': return numberTest(value);
    case 'date': return dateTest(value);
    case 'object': case 'unindexed': return never;
    case 'dynamic': {
      // as Elasticsearch would have mapped the value: JSON numbers numeric, the rest keyword
      const asNumber = numberTest(value);
      const asKeyword = keywordTest(value, KEYWORD_IGNORE_ABOVE);
      return (v) => (typeof v === 'number' ? asNumber(v) : asKeyword(v));
    }
  }
}

function keywordTest(value: KqlValue, ignoreAbove: number): ValueTest {
  if (value.kind === 'wildcard') {
    const glob = compileGlob(value.segments);
    return (v) => { const s = keywordOf(v, ignoreAbove); return s !== undefined && glob(s); };
  }
  const want = value.text;
  return (v) => keywordOf(v, ignoreAbove) === want;
}

/** An address or a CIDR block; no wildcards on ip fields. */
function ipTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') return never;
  const span = ipSpan(value.text);
  if (!span) return never;
  return (v) => { const n = ipOf(v); return n !== undefined && n >= span.from && n <= span.to; };
}

/** A boolean field indexes true/false, the strings "true"/"false" and "" (false); anything else is malformed. */
function booleanOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return undefined;
}

function booleanTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') return never;
  const want = booleanOf(value.text);
  if (want === undefined) return never;
  return (v) => booleanOf(v) === want;
}

function numberTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') return never; // no wildcard on numbers
  const want = numberOf(value.text);
  if (want === undefined) return never;
  return (v) => numberOf(v) === want;
}

function dateTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') return never;
  const span = parseDateSpan(value.text);
  if (!span) return never;
  return (v) => { const ms = dateValueMs(v); return ms !== undefined && ms >= span.from && ms <= span.to; };
}

function textTest(value: KqlValue): ValueTest {
  if (value.kind === 'phrase') {
    const phrase = analyze(value.text);
    if (phrase.length === 0) return never;
    const search = piecesSearch(textPieces(value));
    return (v) => {
      if (!mayHold(search, v)) return false; // (no tokens looked at)
      const toks = tokensOf(v);
      if (!toks) return false;
      outer: for (let i = 0; i + phrase.length <= toks.length; i++) {
        for (let j = 0; j < phrase.length; j++) if (toks[i + j] !== phrase[j]) continue outer;
        return true;
      }
      return false;
    };
  }
  // a plain value is a match query (any of its terms); wildcard words test each token
  const { patterns, plain } = value.kind === 'literal'
    ? { patterns: [] as string[][], plain: value.text }
    : splitWildcardWords(value.segments);
  const terms = new Set(analyze(plain));
  const globs = patterns.map(compileGlob);
  if (terms.size === 0 && globs.length === 0) return never;
  const search = piecesSearch(textPieces(value));
  return (v) => {
    if (!mayHold(search, v)) return false; // (no tokens looked at)
    const toks = tokensOf(v);
    if (!toks) return false;
    // (loops, not some() with closures: this runs for every token of every message a rule reads)
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (terms.has(t)) return true;
      for (let j = 0; j < globs.length; j++) if (globs[j](t)) return true;
    }
    return false;
  };
}

/** What a text value must hold for `value` to match it (see TextPieces). */
function textPieces(value: KqlValue): TextPieces {
  if (value.kind === 'phrase') return [analyze(value.text)];
  const { patterns, plain } = value.kind === 'literal' ? { patterns: [] as string[][], plain: value.text } : splitWildcardWords(value.segments);
  const alternatives = [...new Set(analyze(plain))].map((t) => [t]);
  for (const p of patterns) alternatives.push(p.filter((s) => s !== ''));
  return alternatives.some((a) => a.length === 0) ? null : alternatives;
}

/**
 * An `or` of values of one field (`match` and free-text nodes only): one read of the field, each value
 * meeting the tests in turn; on a text field, a value that holds none of the tests' pieces is passed over
 * at once. null when the children are not such.
 */
function sameFieldOr(children: Ast[], fields: FieldMap): Matcher | null {
  const fieldOf = (c: Ast): string | null => (c.type === 'match' && !c.fieldPattern ? c.field : c.type === 'text' ? FREE_TEXT_FIELD : null);
  const field = fieldOf(children[0]);
  if (field === null || children.some((c) => fieldOf(c) !== field)) return null;
  const kind = fields.kind(field);
  const values = children.map((c) => (c as { value: KqlValue }).value);
  const tests = values.map((v) => valueTest(kind, v));
  let search: RegExp | null = null;
  if (kind === 'text') {
    const all = values.map(textPieces);
    search = all.some((a) => a === null) ? null : piecesSearch(all.flatMap((a) => a!));
  }
  return anyValueAt(fields.source(field), (v) => {
    if (!mayHold(search, v)) return false;
    for (let i = 0; i < tests.length; i++) if (tests[i](v)) return true;
    return false;
  });
}

function compare<T>(op: RangeOp, a: T, b: T): boolean {
  switch (op) {
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'lt': return a < b;
    case 'lte': return a <= b;
  }
}

function rangeTest(kind: FieldKind, op: RangeOp, text: string): ValueTest {
  switch (kind) {
    case 'long': return numberRange(op, text);
    case 'date': {
      const span = parseDateSpan(text);
      if (!span) return never;
      // missing date components round down for gte/lt and up for gt/lte, as in Elasticsearch
      const bound = op === 'gt' || op === 'lte' ? span.to : span.from;
      return (v) => { const ms = dateValueMs(v); return ms !== undefined && compare(op, ms, bound); };
    }
    // keyword ranges are lexicographic, as in Elasticsearch ("500" > "4625")
    case 'keyword': return (v) => { const s = keywordOf(v); return s !== undefined && compare(op, s, text); };
    case 'wildcard': return (v) => { const s = keywordOf(v, Infinity); return s !== undefined && compare(op, s, text); };
    case 'ip': {
      const bound = ipValue(text);
      if (bound === undefined) return never;
      return (v) => { const n = ipOf(v); return n !== undefined && compare(op, n, bound); };
    }
    case 'boolean': return never;
    case 'text': return (v) => tokensOf(v)?.some((t) => compare(op, t, text)) ?? false;
    case 'object': case 'unindexed': return never;
    case 'dynamic': {
      const asNumber = numberRange(op, text);
      return (v) => (typeof v === 'number' ? asNumber(v) : typeof v === 'string' && compare(op, v, text));
    }
  }
}

function numberRange(op: RangeOp, text: string): ValueTest {
  const bound = numberOf(text);
  if (bound === undefined) return never;
  return (v) => { const n = numberOf(v); return n !== undefined && compare(op, n, bound); };
}
