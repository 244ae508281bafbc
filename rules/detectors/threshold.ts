import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import type { TimeCounts } from './time-counts';
import { conditionOf } from './condition';
import { CountingDetector, type CountingGroup } from './counting-detector';

/**
 * `threshold`: a group fires when any span [s, s + window) of event time holds >= threshold events
 * (events exactly `window` apart are never in one span). It is decided on each event, over the spans
 * that contain it. The alert ends at the first window end T at or after the latest span that reached the
 * threshold (kept as `spanEnd`) whose window [T − window, T) holds fewer than threshold events: a whole
 * window in which the condition was false. T is found among the window ends since the last advance (an
 * event leaving the window is the only thing that lowers its count), so it is the same whether the
 * watermark moved in one step or in many. (Without the first half, a watermark trailing the newest
 * events by the allowed lateness would end an alert the moment it started.) An event of a firing group
 * first ends the alert if its windows went quiet before it, up to what the rule's newest event makes
 * safe to decide (newest − allowed lateness): a new burst after a quiet window is a new alert, even when
 * it comes before the next advance.
 */
export class ThresholdDetector extends CountingDetector {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'threshold', 'spanEnd');
  }

  protected counted(g: Group<CountingGroup>, time: number): Condition[] {
    const out: Condition[] = [];
    if (g.state.fired && this.gate.newest !== null) this.decide(g, this.gate.newest - this.cfg.allowedLatenessMs, out);
    const counts = g.state.counts;
    const start = this.latestReachingSpan(counts, time);
    if (start === undefined) return out;
    const end = start + this.cfg.windowMs;
    if (this.hold(g, end)) out.push(this.fire(g, conditionOf(g, true, counts.sum(start, end), start, end, time, this.cfg.threshold)));
    return out;
  }

  /** a firing group: ends its alert at the first window end up to `upTo` whose window is below the threshold */
  protected decide(g: Group<CountingGroup>, upTo: number, changed: Condition[]): void {
    const st = g.state;
    if (!st.fired) return;
    const w = this.cfg.windowMs;
    const thr = this.cfg.threshold;
    const lo = Math.max(this.firstUndecided(upTo), st.holdUntil);
    if (lo > upTo) return;
    // every window ending in [lo, upTo] holds [upTo − window, lo): if that reaches the threshold, none ends below it
    if (upTo - w < lo && st.counts.sum(upTo - w, lo) >= thr) return;
    const ends = [lo, ...st.counts.edges(lo, upTo, [w])];
    for (const end of ends) {
      const count = st.counts.sum(end - w, end);
      if (count < thr) {
        changed.push(this.resolve(g, count, end, thr));
        return;
      }
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
