/**
 * AST of a KQL query (Kibana Query Language) as Vigil parses it. Value lists such as
 * `field: (a or b)` are expanded by the parser into and/or/not of single matches on the same field,
 * so the matcher and the Elasticsearch translator only ever see the node kinds below.
 */

/** A bare value (`error`, `a b`): analysed on text fields, exact on keyword fields. */
export interface LiteralValue { kind: 'literal'; text: string }
/** A quoted value (`"a b"`): a phrase on text fields, exact on keyword fields; `*` inside is literal. */
export interface PhraseValue { kind: 'phrase'; text: string }
/**
 * An unquoted value with at least one unescaped `*`. `segments` are the literal pieces between the
 * stars (escaped stars stay in the pieces), so `web-*` is ['web-', ''] and `*oom*` is ['', 'oom', ''].
 */
export interface WildcardValue { kind: 'wildcard'; segments: string[] }
export type KqlValue = LiteralValue | PhraseValue | WildcardValue;

export type RangeOp = 'gt' | 'gte' | 'lt' | 'lte';

export interface OrNode { type: 'or'; children: Ast[] }
export interface AndNode { type: 'and'; children: Ast[] }
export interface NotNode { type: 'not'; child: Ast }
/**
 * A field pattern (`file.hash.*`): the literal parts between the stars, as WildcardValue.segments; a
 * star also spans dots. A node with one tests every field the pattern names (Kibana expands the name
 * over the fields its data view knows): locally the fields the event holds, in Elasticsearch the
 * fields the index's mapping holds. `field` is then the pattern as written, for messages only.
 * A nested group `path: { a: x }` is parsed into nodes on `path.a`: Vigil's mapping has no nested
 * fields, so its conditions may be met by different elements of an array of objects.
 */
export type FieldPattern = string[];

/** `field: value` */
export interface MatchNode { type: 'match'; field: string; fieldPattern?: FieldPattern; value: KqlValue }
/**
 * `field >= value`; the value is kept as written (numbers, dates and strings are told apart by field type).
 * Never on a field pattern: the parser refuses that.
 */
export interface RangeNode { type: 'range'; field: string; op: RangeOp; value: string }
/** `field: *` */
export interface ExistsNode { type: 'exists'; field: string; fieldPattern?: FieldPattern }
/** A value without a field. Kibana searches every field; Vigil searches `message` (see FREE_TEXT_FIELD). */
export interface FreeTextNode { type: 'text'; value: KqlValue }

export type Ast = OrNode | AndNode | NotNode | MatchNode | RangeNode | ExistsNode | FreeTextNode;

/** The field free text searches in Vigil's events. */
export const FREE_TEXT_FIELD = 'message';
