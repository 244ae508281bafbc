import type { RuleDef } from '../types';
import { RULE_DEFAULTS } from '../defaults';
import { durationText, numberText } from './report-text';

/** A cardinality, metric or ratio rule's condition in words, for the report; undefined for other types. */
export function measureCondition(def: RuleDef): string | undefined {
  const within = `within ${durationText(def.window_ms ?? RULE_DEFAULTS.window_ms)}`;
  const atLeast = (n: number | undefined, what: string) => ((n ?? 1) > 1 ? ` (at least ${numberText(n!)} ${what})` : '');
  const either = (parts: Array<string | undefined>) => parts.filter((p) => p !== undefined).join(' or ');
  switch (def.type) {
    case 'cardinality':
      return `${either([
        def.max !== undefined ? `distinct ${def.field} ≥ ${numberText(def.max)}` : undefined,
        def.min !== undefined ? `distinct ${def.field} < ${numberText(def.min)} (for a group seen before)` : undefined,
      ])} ${within}`;
    case 'metric':
      return `${either([
        def.above !== undefined ? `${def.agg} of ${def.field} > ${numberText(def.above)}` : undefined,
        def.below !== undefined ? `${def.agg} of ${def.field} < ${numberText(def.below)}` : undefined,
      ])} ${within}${atLeast(def.min_count, 'values')}`;
    case 'ratio':
      return `matching / "of" events ≥ ${numberText(def.threshold ?? 1)} ${within}${atLeast(def.min_count, '"of" events')}`;
    default:
      return undefined;
  }
}
