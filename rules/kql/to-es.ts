import { FREE_TEXT_FIELD, type Ast, type KqlValue } from './ast';
import { VIGIL_FIELDS, type FieldKind, type FieldMap } from './fields';
import { ipSpan, ipValue } from './ip';
import { splitWildcardWords } from './glob';
import { fieldPatternText, isAllFields } from './field-pattern';

/** Elasticsearch query DSL (a plain JSON object). */
export type EsQuery = Record<string, unknown>;

const MATCH_NONE: EsQuery = { match_none: {} };

/**
 * Translates a KQL AST into Elasticsearch query DSL that selects the same events as compileMatcher
 * on an index with Vigil's mapping. The choice of query follows the field kind (fields.ts), the way
 * Kibana does for KQL: term/match for exact and analysed values, match_phrase for quoted text,
 * wildcard for patterns, range, exists; boolean structure maps to bool.
 */
export function toEsQuery(ast: Ast, fields: FieldMap = VIGIL_FIELDS): EsQuery {
  const translate = (a: Ast): EsQuery => toEsQuery(a, fields);
  switch (ast.type) {
    case 'and': return { bool: { must: ast.children.map(translate) } };
    case 'or': return { bool: { should: ast.children.map(translate), minimum_should_match: 1 } };
    case 'not': return { bool: { must_not: [translate(ast.child)] } };
    case 'exists':
      if (ast.fieldPattern && isAllFields(ast.fieldPattern)) return { match_all: {} };
      if (ast.fieldPattern) return { exists: { field: fieldPatternText(ast.fieldPattern) } };
      return fields.kind(ast.field) === 'unindexed' ? MATCH_NONE : { exists: { field: ast.field } };
    case 'match':
      if (ast.fieldPattern) return patternQuery(fieldPatternText(ast.fieldPattern), ast.value);
      return valueQuery(ast.field, fields.kind(ast.field), ast.value);
    case 'text': return valueQuery(FREE_TEXT_FIELD, fields.kind(FREE_TEXT_FIELD), ast.value);
    case 'range': {
      const kind = fields.kind(ast.field);
      if (kind === 'object' || kind === 'unindexed' || kind === 'boolean') return MATCH_NONE;
      if (kind === 'long' && !isNumber(ast.value)) return MATCH_NONE;
      if (kind === 'ip' && ipValue(ast.value) === undefined) return MATCH_NONE;
      // dates keep their text: Elasticsearch then rounds partial dates by operator, as the matcher does
      return { range: { [ast.field]: { [ast.op]: kind === 'long' ? Number(ast.value) : ast.value } } };
    }
  }
}

function isNumber(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

/** Escapes a literal piece for the wildcard query, where `*`, `?` and `\` are special. */
function escapeWildcard(s: string): string {
  return s.replace(/[\\*?]/g, '\\$&');
}

/** Escapes a literal piece for query_string, where almost every punctuation character is syntax. */
function escapeQueryString(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, '\\$&');
}

/**
 * A value on a field pattern: Elasticsearch expands the pattern over the index's mapping (the fields
 * Vigil's template names and those it mapped on first sight) and runs, on each field, the query its
 * type calls for: a keyword compares whole values, a text field its terms, a number its value
 * (lenient: a value that is not a number matches nothing there instead of failing the search).
 */
function patternQuery(pattern: string, value: KqlValue): EsQuery {
  if (value.kind === 'wildcard') {
    return {
      query_string: {
        query: value.segments.map(escapeQueryString).join('*'),
        fields: [pattern], lenient: true, analyze_wildcard: false, allow_leading_wildcard: true,
      },
    };
  }
  const type = value.kind === 'phrase' ? 'phrase' : 'best_fields';
  return { multi_match: { query: value.text, fields: [pattern], type, operator: 'or', lenient: true } };
}

function valueQuery(field: string, kind: FieldKind, value: KqlValue): EsQuery {
  switch (kind) {
    case 'object': case 'unindexed': return MATCH_NONE;
    case 'ip':
      // an address or a CIDR block (a term query on an ip field takes either); no wildcards
      if (value.kind === 'wildcard' || !ipSpan(value.text)) return MATCH_NONE;
      return { term: { [field]: { value: value.text } } };
    case 'boolean':
      if (value.kind === 'wildcard' || (value.text !== 'true' && value.text !== 'false')) return MATCH_NONE;
      return { term: { [field]: { value: value.text === 'true' } } };
    case 'keyword': case 'wildcard':
      return value.kind === 'wildcard'
        ? { wildcard: { [field]: { value: value.segments.map(escapeWildcard).join('*'), case_insensitive: false } } }
        : { term: { [field]: { value: value.text } } };
    case 'long':
      if (value.kind === 'wildcard' || !isNumber(value.text)) return MATCH_NONE;
      return { term: { [field]: { value: Number(value.text) } } };
    case 'date':
      // a term on a date covers the value's whole span; spelled as a range to make that explicit
      return value.kind === 'wildcard' ? MATCH_NONE : { range: { [field]: { gte: value.text, lte: value.text } } };
    case 'text': {
      if (value.kind === 'phrase') return { match_phrase: { [field]: { query: value.text } } };
      if (value.kind === 'literal') return { match: { [field]: { query: value.text, operator: 'or' } } };
      const { patterns, plain } = splitWildcardWords(value.segments);
      const should: EsQuery[] = patterns.map((p) => ({
        wildcard: { [field]: { value: p.map(escapeWildcard).join('*'), case_insensitive: true } },
      }));
      if (plain !== '') should.push({ match: { [field]: { query: plain, operator: 'or' } } });
      return should.length === 1 ? should[0] : { bool: { should, minimum_should_match: 1 } };
    }
    case 'dynamic':
      // Not in the mapping: the index may hold a keyword, a number or a boolean. Queries that accept
      // all three (leniently) are used, since a wildcard or term query would fail on a numeric field.
      if (value.kind === 'wildcard') {
        return {
          query_string: {
            query: value.segments.map(escapeQueryString).join('*'),
            fields: [field], lenient: true, analyze_wildcard: false, allow_leading_wildcard: true,
          },
        };
      }
      return { match: { [field]: { query: value.text, lenient: true } } };
  }
}
