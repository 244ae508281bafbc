import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { conditionOf } from './condition';
import { CountingDetector, type CountingGroup } from './counting-detector';

/**
 * `flatline`: a group, once seen, is known. It fires at the first window end T at which it has existed
 * for a whole window (first event <= T − window) and [T − window, T) holds fewer than threshold events,
 * and its alert ends at the first window end after that whose window holds threshold or more again.
 *
 * The two are decided where they become certain. A window short of events is known only once the
 * watermark has passed its end (a late event could still fill it), so firing is decided on advance,
 * over the window ends since the last advance: the alert fires at the end of the first empty enough
 * window (the last event + window + 1 ms for threshold 1), whatever the steps the watermark moved in. A
 * window with enough events stays so whatever comes later, so the end is decided on the event that
 * completes it: the alert ends at that event's time + 1 ms (the end of the first window that holds it),
 * without waiting for the watermark. This is SPEC 3.4's "false for one whole window" read as for the
 * other types (the end of the first whole window whose count contradicts the condition): for a
 * threshold that window must first go by without enough events, for a flatline it is complete as soon
 * as the events are back.
 *
 * A group that disappears keeps firing until groupTtlMs after its last event; it is then forgotten and
 * returned once with firing:false. So a host that was retired stops alerting after the ttl instead of
 * forever, at the price that a host dead for longer than the ttl resolves without coming back (choose
 * groupTtlMs long enough for someone to have acted).
 */
export class FlatlineDetector extends CountingDetector {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'flatline', 'resolvedAt');
  }

  /** an event of a firing group: the alert ends at the first window end containing it that holds enough events */
  protected counted(g: Group<CountingGroup>, time: number): Condition[] {
    const st = g.state;
    if (!st.fired) return [];
    const w = this.cfg.windowMs;
    // windows containing the event end in (time, time + window]; only an event entering one raises its count
    const lo = Math.max(time, st.fired.at, st.holdUntil) + 1;
    const hi = time + w;
    if (lo > hi) return [];
    for (const end of [lo, ...st.counts.edges(lo, hi, [0])]) {
      const count = st.counts.sum(end - w, end);
      if (count >= this.cfg.threshold) return [this.ended(g, count, end)];
    }
    return [];
  }

  protected decide(g: Group<CountingGroup>, upTo: number, changed: Condition[]): void {
    const st = g.state;
    const w = this.cfg.windowMs;
    const thr = this.cfg.threshold;
    let lo = Math.max(this.firstUndecided(upTo), g.firstSeen + w, st.holdUntil + 1);
    if (st.fired) lo = Math.max(lo, st.fired.at + 1);
    if (lo > upTo) return;
    // shortcuts: every window ending in [lo, upTo] holds [upTo − window, lo) and lies within [lo − window, upTo)
    if (!st.fired && upTo - w < lo && st.counts.sum(upTo - w, lo) >= thr) return;
    if (st.fired && st.counts.sum(lo - w, upTo) < thr) return;
    for (const end of [lo, ...st.counts.edges(lo, upTo, [0, w])]) {
      const count = st.counts.sum(end - w, end);
      if (!st.fired && count < thr) {
        changed.push(this.fire(g, conditionOf(g, true, count, end - w, end, end, thr)));
      } else if (st.fired && count >= thr) {
        changed.push(this.ended(g, count, end));
      }
    }
  }

  private ended(g: Group<CountingGroup>, count: number, end: number): Condition {
    g.state.holdUntil = end;
    return this.resolve(g, count, end, this.cfg.threshold);
  }

  /** windows evaluated start after the last watermark − window; the oldest event still admitted is newest − lateness − window */
  protected keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const byWatermark = watermark - this.cfg.windowMs;
    return oldest === undefined ? byWatermark : Math.min(byWatermark, oldest);
  }
}
