/**
 * What a fleet takeover needs from before its re-read span (README, "Running a fleet"): the state some
 * rule types keep longer than their windows. The runtime fetches, for each distinct combination of
 * `keys` seen within `lookbackMs` before the span, the newest event, and hands them to the rule in time
 * order with the re-read (`teach`: they only teach the rule, they never fire).
 * - flatline with group_by: each group's last event within the group TTL, so a host that went quiet
 *   before the span stays known (its alert goes on rather than resolving);
 * - change: each group's last value within the time a group is remembered, so the first value after the
 *   takeover is compared with the one before it (not taken as a first sighting);
 * - new_term: each term's (per group) last sighting within `history`, so terms the former owner knew are
 *   not new again after the takeover; at most `max_terms`, the most recently seen. With a `history_warmup`,
 *   also the oldest event with the term fields within `history`, so the warm-up counts from there.
 */
import { detectorConfig, groupTtlMs } from './compile-rule';
import type { RuleDef } from './types';

export interface TakeoverSeedPlan {
  /** how far before the takeover's "now" the seeds are looked for */
  lookbackMs: number;
  /** the fields whose distinct values each give one seed; `missing`: events without the field form their own */
  keys: Array<{ field: string; missing: boolean }>;
  /** the seeds only teach the rule (new_term), or are counted as events (flatline, change: a group's first event fires nothing) */
  teach: boolean;
  /** at most this many seeds, the newest (new_term: its max_terms) */
  max?: number;
  /**
   * Also the oldest event within the look-back that has these fields (new_term with a history_warmup: its
   * term fields), taught first: the rule's warm-up counts from it, as it would have on a detector that saw
   * everything Elasticsearch holds, not from the oldest of the terms' newest sightings.
   */
  oldestWith?: string[];
}

export function takeoverSeedPlan(def: RuleDef): TakeoverSeedPlan | null {
  const groups = def.group_by.map((field) => ({ field, missing: true }));
  if (def.type === 'flatline') return groups.length > 0 ? { lookbackMs: groupTtlMs(def), keys: groups, teach: false } : null;
  const cfg = detectorConfig(def);
  if (def.type === 'change' && cfg.change) return { lookbackMs: cfg.groupTtlMs, keys: groups, teach: false };
  if (def.type === 'new_term' && cfg.newTerm) {
    const terms = cfg.newTerm.fields.map((field) => ({ field, missing: false }));
    return {
      lookbackMs: cfg.newTerm.historyMs, keys: [...groups, ...terms], teach: true, max: cfg.newTerm.maxTerms,
      ...(cfg.newTerm.warmupMs > 0 ? { oldestWith: cfg.newTerm.fields } : {}),
    };
  }
  return null;
}
