/** Vigil's KQL: parse a `where:` string, match events locally, or translate to Elasticsearch DSL. */
export type { Ast, KqlValue, RangeOp } from './ast';
export { FREE_TEXT_FIELD } from './ast';
export { KqlSyntaxError, parseKql } from './parse';
export { compileMatcher, type Matcher } from './match';
export { toEsQuery, type EsQuery } from './to-es';
export { fieldKind, fieldMapOf, VIGIL_FIELDS, type FieldKind, type FieldMap } from './fields';
export { validateWhere } from './validate-where';
