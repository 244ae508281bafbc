import type { DetectorConfig, MetricAgg } from './types';
import { RULE_DEFAULTS } from '../defaults';
import type { Group } from './group-table';
import { EventLog } from './event-log';
import { SlidingWindow } from './sliding-window';
import { MetricValues } from './metric-values';
import { MeasuringDetector, type Measure, type MeasureStore } from './measuring-detector';

/** a group's values on event time, and the two windows decided over them */
class MetricStore implements MeasureStore {
  private readonly tailWindow: SlidingWindow<number>;
  private readonly settledWindow: SlidingWindow<number>;

  constructor(
    agg: MetricAgg,
    exactLimit: number,
    private readonly log = new EventLog<number>(),
  ) {
    this.tailWindow = new SlidingWindow(log, new MetricValues(agg, exactLimit));
    this.settledWindow = new SlidingWindow(log, new MetricValues(agg, exactLimit, true));
  }

  /** input: the event's numbers (an event without one counts for the group's life, not as a value) */
  add(time: number, input: unknown): void {
    if (!Array.isArray(input)) return;
    for (const v of input as number[]) {
      this.log.add(time, v);
      this.tailWindow.added(time, v);
      this.settledWindow.added(time, v);
    }
  }

  tail(start: number, end: number): Measure {
    return this.measure(this.tailWindow, start, end);
  }

  settled(start: number, end: number): Measure {
    return this.measure(this.settledWindow, start, end);
  }

  edges(from: number, to: number, windowMs: number): number[] {
    return this.log.edges(from, to, windowMs);
  }

  pruneBefore(time: number): void {
    this.log.pruneBefore(time);
  }

  snapshot(): unknown {
    return this.log.snapshot();
  }

  private measure(w: SlidingWindow<number>, start: number, end: number): Measure {
    w.moveTo(start, end);
    const acc = w.acc as MetricValues;
    return { count: acc.count, value: acc.value() };
  }
}

/**
 * `metric`: the aggregate (`agg`) of a numeric field over a group's window is strictly `above` or
 * `below` a number, with at least `min_count` values in the window. Each event's values (every number
 * of the field, a numeric string too) are kept on event time, so the windows are exact at their
 * edges; sum and avg are exact, min, max and percentiles too up to `exact_limit` values per window
 * (metric-values.ts).
 */
export class MetricDetector extends MeasuringDetector<MetricStore> {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'metric', () => new MetricStore(agg(cfg), limit(cfg)));
  }

  protected restoreStore(raw: unknown): MetricStore {
    const log = EventLog.restore(raw, (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error('bad detector snapshot: metric value');
      return v;
    });
    return new MetricStore(agg(this.cfg), limit(this.cfg), log);
  }

  protected holds(m: Measure, _g: Group<unknown>): boolean {
    const { above, below } = this.cfg.measure ?? {};
    if (m.value === undefined || m.count < this.cfg.minCount) return false;
    return (above !== undefined && m.value > above) || (below !== undefined && m.value < below);
  }

  protected reference(m: Measure): number | undefined {
    const { above, below } = this.cfg.measure ?? {};
    return above !== undefined && (below === undefined || (m.value !== undefined && m.value > above)) ? above : below;
  }
}

function agg(cfg: DetectorConfig): MetricAgg {
  return cfg.measure?.agg ?? 'avg';
}

function limit(cfg: DetectorConfig): number {
  return cfg.measure?.exactLimit ?? RULE_DEFAULTS.exact_limit;
}
