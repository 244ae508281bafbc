/**
 * The plain data a backtest produces and the report formats render.
 * The engine fills it; format-ndjson / format-table / format-html only read it.
 */
import type { RuleType } from '../types';

export type AlertSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type AlertState = 'firing' | 'resolved';
export type { RuleType };
export type BacktestFormat = 'ndjson' | 'table' | 'html';

export interface BacktestAlert {
  id: string;
  rule: string;
  group: string;
  groupValues: Record<string, unknown>;
  severity: AlertSeverity;
  state: AlertState;
  /** ISO event time at which the alert fired (or resolved). */
  at: string;
  /** a firing alert still firing where the backtest's event time stopped */
  openAtEnd?: boolean;
  count: number;
  /** cardinality, metric, ratio: the distinct values, aggregate or fraction measured */
  value?: number;
  firstEvent?: string;
  lastEvent?: string;
  reference?: number;
}

export interface RuleBucket {
  /** ISO start of the window bucket. */
  start: string;
  /** Matching events in the bucket. */
  count: number;
  /** Spike rules: the baseline average for this bucket. */
  baseline?: number;
}

export interface RuleSeries {
  rule: string;
  description?: string;
  type: RuleType;
  /** The rule's KQL. */
  where: string;
  windowMs: number;
  threshold?: number;
  ratio?: number;
  /** cardinality, metric, ratio: their condition in words (measure-condition.ts) */
  condition?: string;
  /** new_term: its `fields` and `history`; change: its `field`, and its `window` when set (how recent the previous value must be) */
  watched?: string[];
  historyMs?: number;
  /** Matching events per window bucket. */
  buckets: RuleBucket[];
}

export interface BacktestReport {
  generatedAt: string;
  input: string[];
  events: number;
  /** events left out of the windows: no time of their own, and no event before them in their file */
  untimed?: number;
  /** events left out as later than --until */
  afterUntil?: number;
  from?: string;
  to?: string;
  /** where event time stopped (--until, else the last event) */
  end?: string;
  rules: RuleSeries[];
  alerts: BacktestAlert[];
  problems: string[];
}
