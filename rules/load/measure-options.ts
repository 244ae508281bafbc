/**
 * The options of the rule types that measure a window (SPEC 3.3): `cardinality` (field, max or min,
 * exact_limit), `metric` (field, agg, above or below, min_count, exact_limit) and `ratio` (of, where,
 * threshold as a fraction, min_count): what each needs, their ranges, and their defaults. The KQL of
 * `of` is checked, at its character, by where-check.ts as `where` is.
 */
import { displayPath } from '../../src/core/config-kit';
import { RULE_DEFAULTS } from '../defaults';
import type { MetricAgg, RuleDef, RuleType } from '../types';
import type { Obj } from './raw-values';
import type { RuleInput } from './rule-input';

export type MeasureRuleType = 'cardinality' | 'metric' | 'ratio';

/** the keys each type needs (reported together with the other types' needs) */
export const MEASURE_NEEDS: Record<MeasureRuleType, string[]> = {
  cardinality: ['field', 'window'],
  metric: ['field', 'agg', 'window'],
  ratio: ['of', 'where', 'threshold', 'window'],
};

const isMeasure = (type: RuleType): type is MeasureRuleType => type in MEASURE_NEEDS;

/** The checks beyond the needed keys: one of two bounds at least, bounds that leave room, a fraction. */
export function checkMeasureOptions(input: RuleInput, type: RuleType): void {
  if (!isMeasure(type)) return;
  const { merged, label } = input;
  const origin = (k: string): string => displayPath(input.origin(k));
  const num = (k: string): number | undefined => (typeof merged[k] === 'number' ? (merged[k] as number) : undefined);
  const either = (a: string, b: string): void => {
    if (merged[a] === undefined && merged[b] === undefined) input.fail(input.node, `${type} ${label} needs "${a}" or "${b}"`, false);
  };
  if (type === 'cardinality') {
    either('max', 'min');
    const max = num('max');
    const min = num('min');
    if (max !== undefined && min !== undefined && min > max) {
      input.fail(input.origin('min'), `${origin('min')} (${min}) must not be above max (${max}): every window would fire`);
    }
  } else if (type === 'metric') {
    either('above', 'below');
    const above = num('above');
    const below = num('below');
    if (above !== undefined && below !== undefined && below > above) {
      input.fail(input.origin('below'), `${origin('below')} (${below}) must not be above "above" (${above}): every value would fire`);
    }
  } else {
    const t = num('threshold');
    if (t !== undefined && (t <= 0 || t > 1)) {
      input.fail(input.origin('threshold'), `${origin('threshold')} of a ratio rule is a fraction of the "of" events: more than 0, at most 1 (0.05 is 5%)`);
    }
  }
}

/** The resolved options of a good rule of these types, with their defaults. */
export function measureOptions(type: RuleType, merged: Obj): Partial<RuleDef> {
  if (!isMeasure(type)) return {};
  const out: Partial<RuleDef> = {};
  const num = (k: string): number | undefined => (typeof merged[k] === 'number' ? (merged[k] as number) : undefined);
  if (type !== 'ratio') {
    out.field = merged.field as string;
    out.exact_limit = num('exact_limit') ?? RULE_DEFAULTS.exact_limit;
  }
  if (type !== 'cardinality') out.min_count = num('min_count') ?? RULE_DEFAULTS.measure_min_count;
  if (type === 'cardinality') {
    if (num('max') !== undefined) out.max = num('max');
    if (num('min') !== undefined) out.min = num('min');
  } else if (type === 'metric') {
    out.agg = merged.agg as MetricAgg;
    if (num('above') !== undefined) out.above = num('above');
    if (num('below') !== undefined) out.below = num('below');
  } else {
    out.of = typeof merged.of === 'string' ? merged.of : '';
  }
  return out;
}
