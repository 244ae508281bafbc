import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { conditionOf } from './condition';
import { CountingDetector, type CountingGroup } from './counting-detector';

/**
 * `flatline`: a group, once seen, is known; on advance(w) a known group that has existed for at least
 * one whole window (first event <= w − window) fires when [w − window, w) holds fewer than threshold
 * events, and stops firing at the first watermark whose window holds threshold or more again. Events
 * never decide anything here (a flatline is about events that do not come): observe only counts.
 *
 * A group that disappears keeps firing until the watermark is groupTtlMs past its last event; it is
 * then forgotten and returned once with firing:false. So a host that was retired stops alerting after
 * the ttl instead of forever, at the price that a host dead for longer than the ttl resolves without
 * coming back (choose groupTtlMs long enough for someone to have acted).
 */
export class FlatlineDetector extends CountingDetector {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'flatline', null);
  }

  protected counted(): Condition[] {
    return [];
  }

  protected decide(g: Group<CountingGroup>, watermark: number, changed: Condition[]): void {
    const start = watermark - this.cfg.windowMs;
    if (g.firstSeen > start) return;
    const count = g.state.counts.sum(start, watermark);
    const below = count < this.cfg.threshold;
    if (below && !g.state.fired) {
      changed.push(this.fire(g, conditionOf(g, true, count, start, watermark, watermark, this.cfg.threshold)));
    } else if (!below && g.state.fired) {
      changed.push(this.resolve(g, count, watermark, this.cfg.threshold));
    }
  }

  /** windows evaluated start at w − window; the oldest event still admitted is newest − lateness − window */
  protected keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const byWatermark = watermark - this.cfg.windowMs;
    return oldest === undefined ? byWatermark : Math.min(byWatermark, oldest);
  }
}
