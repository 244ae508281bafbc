import { RULE_DEFAULTS } from './defaults';
import type { RuleDef } from './types';
import type { DetectorConfig } from './detectors/types';

/**
 * The detector options of the rule types that watch the values of fields (new_term, change), from a
 * loaded rule: what detectorConfig adds to, or overrides in, the options every detector has.
 */
export function valueWatchConfig(def: RuleDef, base: Pick<DetectorConfig, 'windowMs' | 'allowedLatenessMs'>): Partial<DetectorConfig> {
  if (def.type === 'new_term') {
    return {
      newTerm: {
        fields: def.fields ?? [],
        historyMs: def.history_ms ?? RULE_DEFAULTS.new_term_history_ms,
        warmupMs: def.history_warmup_ms ?? RULE_DEFAULTS.new_term_history_warmup_ms,
        maxTerms: def.max_terms ?? RULE_DEFAULTS.new_term_max_terms,
      },
    };
  }
  if (def.type === 'change') {
    const withinMs = def.window_ms ?? null;
    return {
      change: { field: def.field ?? '', withinMs },
      // a group quiet for longer than its window (and the lateness) can change nothing: forgotten then
      groupTtlMs: withinMs === null ? RULE_DEFAULTS.change_memory_ms : Math.max(withinMs, base.windowMs) + base.allowedLatenessMs + 1,
    };
  }
  return {};
}
