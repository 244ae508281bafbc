/**
 * What each rule type needs and how its detector options resolve: threshold and window for
 * `threshold`, window and baseline for `spike`, window for `flatline`; their ranges; their defaults.
 */
import { formatDuration } from '../../src/core/units';
import { displayPath } from '../../src/core/config-kit';
import { RULE_DEFAULTS } from '../defaults';
import type { RuleDef, RuleType } from '../types';
import type { RuleDurations } from './common-fields';
import type { Obj } from './raw-values';
import type { RuleInput } from './rule-input';
import { checkMeasureOptions, MEASURE_NEEDS, measureOptions } from './measure-options';

const TYPE_NEEDS: Record<RuleType, string[]> = {
  pattern: [],
  threshold: ['threshold', 'window'],
  spike: ['window', 'baseline'],
  flatline: ['window'],
  ...MEASURE_NEEDS,
};

/** The rule's type, with the keys it needs and their ranges checked; undefined when absent or unknown. */
export function checkType(input: RuleInput, { window_ms, baseline_ms }: RuleDurations): RuleType | undefined {
  const { merged, label } = input;
  const type = typeof merged.type === 'string' && merged.type in TYPE_NEEDS ? (merged.type as RuleType) : undefined;
  if (merged.type === undefined) {
    input.fail(input.node, `${label} has no "type" (one of: ${Object.keys(TYPE_NEEDS).join(', ')})`, false);
    return undefined;
  }
  if (!type) return undefined;
  const origin = (k: string): string => displayPath(input.origin(k));
  const missing = TYPE_NEEDS[type].filter((k) => merged[k] === undefined || merged[k] === null);
  if (missing.length) {
    input.fail(input.node, `${type} ${label} needs ${missing.map((k) => `"${k}"`).join(' and ')}`, false);
  }
  if (type === 'pattern' && (merged.where === undefined || merged.where === '') && merged.regex === undefined) {
    input.fail(input.node, `pattern ${label} needs "where" or "regex" (it would fire on every event)`, false);
  }
  if ((type === 'threshold' || type === 'flatline') && typeof merged.threshold === 'number' && merged.threshold < 1) {
    input.fail(input.origin('threshold'), `${origin('threshold')} must be at least 1 for a ${type} rule`);
  }
  checkMeasureOptions(input, type);
  if (window_ms !== undefined && window_ms <= 0 && type !== 'pattern') {
    input.fail(input.origin('window'), `${origin('window')} must be longer than 0`);
  }
  if (type === 'spike' && window_ms && baseline_ms !== undefined && baseline_ms < window_ms) {
    input.fail(
      input.origin('baseline'),
      `${origin('baseline')} (${formatDuration(baseline_ms)}) must be at least as long as window (${formatDuration(window_ms)})`,
    );
  }
  return type;
}

/** threshold, ratio and min_count of a good rule (and the options of measure-options.ts), with the defaults of its type. */
export function detectorOptions(type: RuleType, merged: Obj): Partial<RuleDef> {
  const out: Partial<RuleDef> = {};
  if (typeof merged.threshold === 'number') out.threshold = merged.threshold;
  else if (type === 'flatline') out.threshold = RULE_DEFAULTS.flatline_threshold;
  if (type === 'spike') {
    out.ratio = typeof merged.ratio === 'number' ? merged.ratio : RULE_DEFAULTS.spike_ratio;
    out.min_count = typeof merged.min_count === 'number' ? merged.min_count : RULE_DEFAULTS.spike_min_count;
  } else {
    if (typeof merged.ratio === 'number') out.ratio = merged.ratio;
    if (typeof merged.min_count === 'number') out.min_count = merged.min_count;
  }
  return Object.assign(out, measureOptions(type, merged));
}
