/**
 * The contract between the rules engine and its detectors (SPEC 3.2, 3.3). A detector belongs to one
 * rule; it sees only the events that passed the rule's filter (`where` + `regex`), each with its event
 * time and its group (the values of the rule's `group_by` fields), and says, per group, whether the
 * rule's condition holds. Time is event time (`@timestamp`, epoch ms), never the wall clock, so that
 * a backtest of yesterday's logs gives the alerts that running live would have given.
 */
import type { MetricAgg } from '../types';

/** The condition of one group of a rule, as a detector evaluated it. */
export interface Condition {
  /** canonical key of the group: JSON of the group_by values in rule order ('[]' without group_by) */
  group: string;
  /** the group_by values by field path (empty without group_by) */
  groupValues: Record<string, unknown>;
  /** true while the rule's condition holds for the group */
  firing: boolean;
  /** events of the group in the window that was evaluated */
  count: number;
  /** spike: average events per window over the baseline period; flatline/threshold: the threshold */
  reference?: number;
  /** cardinality: the distinct values; metric: the aggregate; ratio: the fraction (rules/detectors/measuring-detector.ts) */
  value?: number;
  /** the evaluated window [start, end) in event time, epoch ms */
  windowStart: number;
  windowEnd: number;
  /**
   * the event time at which it happened: the event's time, or the end of the first window that decided
   * it (never merely the watermark at which the detector noticed; alert ids and resolved_at come from it)
   */
  at: number;
  /**
   * the event that started this alert, when the alert's group is not the event's group_by group
   * (new_term: the group plus the new term), so the lifecycle has no samples of its own for it
   */
  sample?: Record<string, unknown>;
}

export interface DetectorStats {
  groups: number;
  /** groups dropped because the rule reached its cap of groups */
  groupsDropped: number;
  /** events too late to count (their window closed before they came) */
  late: number;
  /** new_term: terms remembered, and terms forgotten at the cap (max_terms) since this detector was made */
  terms?: number;
  termsForgotten?: number;
}

export interface Detector {
  /**
   * An event that passed the rule's filter. Returns the conditions that this event changed (a group
   * that starts firing, or a pattern match, which fires on every event). Events may come out of order:
   * within `allowed_lateness` behind the newest event seen they are counted in their own time.
   * `input` is what the rule read of the event for its detector: for cardinality, metric and ratio what
   * rules/measure-input.ts reads; for new_term and change the event itself (they read fields of their own).
   */
  observe(time: number, group: string, groupValues: Record<string, unknown>, input?: unknown): Condition[];
  /**
   * Optional: takes in an event only as what the rule knew before (a fleet takeover's seeds from before
   * its re-read span): the state moves as `observe` would move it, and nothing fires.
   */
  learn?(time: number, group: string, groupValues: Record<string, unknown>, input?: unknown): void;
  /**
   * Event time has moved on to `watermark` (the newest event time seen by the engine minus the allowed
   * lateness, or more once the sources are idle, or a backtest's end). Returns the conditions that
   * changed because windows closed or slid since the last watermark (a group's in time order), each at the window
   * end where it changed: groups that stop firing, flatline groups that went quiet, spikes decided at
   * window ends. Also expires old groups. A watermark at or before the last one decides nothing.
   */
  advance(watermark: number): Condition[];
  /** every group that is firing now (for status and for the lifecycle after a reload) */
  firing(): Condition[];
  /** JSON-serialisable state, for checkpoints; `restore` takes it back after a restart */
  snapshot(): unknown;
  restore(state: unknown): void;
  stats(): DetectorStats;
}

/** What a detector needs of its rule (a subset of RuleDef, with every default filled in). */
export interface DetectorConfig {
  type: 'pattern' | 'threshold' | 'spike' | 'flatline' | 'new_term' | 'change' | MeasureType;
  /** window length in ms (pattern: how long after the last match the condition counts as holding) */
  windowMs: number;
  /** threshold: fire when count >= threshold; flatline: fire when count < threshold */
  threshold: number;
  /** spike */
  baselineMs: number;
  ratio: number;
  minCount: number;
  direction: 'up' | 'down' | 'both';
  allowedLatenessMs: number;
  /** cap on groups kept per rule (memory bound); further new groups are dropped and counted */
  maxGroups: number;
  /** a group with no event for this long is forgotten (flatline: stops firing and is forgotten) */
  groupTtlMs: number;
  /** new_term (windowMs: how long its alert holds after the new term) */
  newTerm?: { fields: string[]; historyMs: number; warmupMs: number; maxTerms: number };
  /** change (windowMs: how long its alert holds after a change); withinMs null: the previous value may be of any age */
  change?: { field: string; withinMs: number | null };
  /** cardinality and metric: their bounds (ratio uses threshold and minCount) */
  measure?: MeasureOptions;
}

/** the rule types that measure a window of events against bounds (rules/detectors/measuring-detector.ts) */
export type MeasureType = 'cardinality' | 'metric' | 'ratio';
export type { MetricAgg } from '../types';

export interface MeasureOptions {
  /** cardinality: fire at max distinct values or more; below min (for a group seen a whole window) */
  max?: number;
  min?: number;
  /** metric: the aggregate, fired on when strictly above or below */
  agg?: MetricAgg;
  above?: number;
  below?: number;
  /** cardinality: distinct values, metric: values per window handled exactly before a sketch takes over */
  exactLimit?: number;
}
