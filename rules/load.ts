/**
 * Transitional re-export: rules.yaml loading moved to rules/load/ and its types to rules/types.ts.
 * Only test/helpers/dispatch.ts still imports this file (left to the helper that owns the test
 * helpers); delete it once that import points at rules/load/rules-file and rules/types.
 */
export { parseRulesText } from './load/rules-file';
export type { NotifierDef } from './types';
