import type { DetectorConfig } from './types';
import type { Group } from './group-table';
import { TimeCounts } from './time-counts';
import { MeasuringDetector, type Measure, type MeasureStore } from './measuring-detector';

/** a group's base events (`of`) and, among them, the ones that match `where`, counted per millisecond */
class RatioStore implements MeasureStore {
  constructor(
    readonly base = new TimeCounts(),
    readonly matched = new TimeCounts(),
  ) {}

  add(time: number, input: unknown): void {
    this.base.add(time);
    if (input === true) this.matched.add(time);
  }

  tail(start: number, end: number): Measure {
    return this.settled(start, end);
  }

  settled(start: number, end: number): Measure {
    const count = this.base.sum(start, end);
    return { count, value: count > 0 ? this.matched.sum(start, end) / count : undefined };
  }

  edges(from: number, to: number, windowMs: number): number[] {
    return this.base.edges(from, to, [0, windowMs]); // (the matched events are base events)
  }

  pruneBefore(time: number): void {
    this.base.pruneBefore(time);
    this.matched.pruneBefore(time);
  }

  snapshot(): unknown {
    return { base: this.base.snapshot(), matched: this.matched.snapshot() };
  }
}

/**
 * `ratio`: among a group's events that match `of` (the base) in a window, the fraction that also match
 * `where` (and `regex`) reaches `threshold`, with at least `min_count` base events. Counts are exact
 * per millisecond, so any window is two binary searches per count. The fraction is compared as a
 * quotient (7 of 100 against 0.07 is equal, as written), never as threshold × base.
 */
export class RatioDetector extends MeasuringDetector<RatioStore> {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'ratio', () => new RatioStore());
  }

  protected restoreStore(raw: unknown): RatioStore {
    const r = raw as Record<string, unknown> | null | undefined;
    return new RatioStore(TimeCounts.restore(r?.base), TimeCounts.restore(r?.matched));
  }

  protected holds(m: Measure, _g: Group<unknown>): boolean {
    return m.value !== undefined && m.count >= this.cfg.minCount && m.value >= this.cfg.threshold;
  }

  protected reference(): number {
    return this.cfg.threshold;
  }
}
