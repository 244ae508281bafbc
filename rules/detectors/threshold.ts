import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import type { TimeCounts } from './time-counts';
import { conditionOf } from './condition';
import { CountingDetector, type CountingGroup } from './counting-detector';

/**
 * `threshold`: a group fires when any span [s, s + window) of event time holds >= threshold events
 * (events exactly `window` apart are never in one span). It is decided on each event, over the spans
 * that contain it. The alert ends on advance(w) once w has passed the latest span that reached the
 * threshold (kept as `spanEnd`) and the window [w − window, w) holds fewer than threshold events: a
 * whole window in which the condition was false. (Without the first half, a watermark trailing the
 * newest events by the allowed lateness would end an alert the moment it started.)
 */
export class ThresholdDetector extends CountingDetector {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'threshold', 'spanEnd');
  }

  protected counted(g: Group<CountingGroup>, time: number): Condition[] {
    const counts = g.state.counts;
    const start = this.latestReachingSpan(counts, time);
    if (start === undefined) return [];
    const end = start + this.cfg.windowMs;
    if (!this.hold(g, end)) return [];
    return [this.fire(g, conditionOf(g, true, counts.sum(start, end), start, end, time, this.cfg.threshold))];
  }

  protected decide(g: Group<CountingGroup>, watermark: number, changed: Condition[]): void {
    const st = g.state;
    if (st.fired && watermark >= st.holdUntil) {
      const count = st.counts.sum(watermark - this.cfg.windowMs, watermark);
      if (count < this.cfg.threshold) changed.push(this.resolve(g, count, watermark, this.cfg.threshold));
    }
  }

  /**
   * The start s of a span [s, s + window) that contains `time` and holds >= threshold events, or
   * undefined; for an out-of-order event the latest such start (its end bars resolving too early). Only spans starting at an event time need checking (moving a span's start right to
   * the next event loses nothing).
   */
  private latestReachingSpan(counts: TimeCounts, time: number): number | undefined {
    const w = this.cfg.windowMs;
    const thr = this.cfg.threshold;
    // every span containing `time` lies within [time − window + 1, time + window): if even that holds
    // fewer than threshold, no span does (the common case, answered in two binary searches)
    if (counts.sum(time - w + 1, time + w) < thr) return undefined;
    const lowest = counts.lowerBound(time - w + 1);
    if (counts.last === time) {
      // in time order nothing lies after `time`, so a span's count is count[s, time], largest for the
      // earliest start. Its end (> time) is a sufficient bar for resolving: a later span that reached
      // would lie inside any window ending past `time` that starts after it, and keep that window at
      // threshold (so advance's own count check holds the alert).
      return counts.sum(time - w + 1, time + 1) >= thr ? counts.timeAt(lowest) : undefined;
    }
    // out of order: walk back from `time`. Each step adds at least one event on the left and can only
    // drop events of [time, time + window), which held fewer than threshold (else the first step
    // answers), so a span that reaches is found within about 2 × threshold steps; and when none
    // reaches, [time − window + 1, time] holds fewer than threshold entries to walk over.
    for (let i = counts.lowerBound(time); i >= lowest; i--) {
      const s = counts.timeAt(i);
      if (counts.sum(s, s + w) >= thr) return s;
    }
    return undefined;
  }

  /**
   * Entries older than this can no longer matter: windows evaluated on advance start at w − window,
   * and spans of the oldest event still admitted (newest − lateness − window) reach window − 1 further back.
   */
  protected keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const byWatermark = watermark - this.cfg.windowMs;
    return oldest === undefined ? byWatermark : Math.min(byWatermark, oldest - this.cfg.windowMs + 1);
  }
}
