import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { conditionOf } from './condition';
import { CountingDetector, type CountingGroup } from './counting-detector';

interface Evaluation {
  holds: boolean;
  count: number;
  baselineAvg: number;
  start: number;
  end: number;
}

/**
 * `spike`: the current window is [end − window, end) and the baseline the `baseline` ms before it,
 * averaged per window. up: count >= ratio × baseline average and count >= min_count (so a zero baseline
 * fires at min_count); down: count <= baseline average / ratio and baseline average >= min_count;
 * both: either.
 *
 * When: on each event (end = event time + 1, so the event is in its window) only the `up` half is
 * checked; on advance the whole condition is checked at every window end since the last advance where
 * a count changes (an event entering or leaving the window or the baseline), which catches drops (no
 * events come to trigger them) and ends alerts, each at the window end where it happened. An alert ends
 * at the first such end, at or after the latest window in which the spike held (kept as `fireEnd`),
 * whose window does not hold. (One case is still decided late: an `up` spike whose window stops
 * holding between two advances, when a new spike of the group begins before the next advance, is
 * held on into the new one rather than resolved and fired again.)
 *
 * History: a group does not fire until its baseline lies wholly within its own history, i.e. until
 * end − window − baseline >= the group's first event time. Before that the baseline would count time
 * when nobody was watching as silence, and every new group would "spike" against nothing. A group
 * forgotten by the ttl starts its history again when it comes back.
 *
 * The comparisons are made in integers (cross-multiplied) so that hand-computed edges are exact.
 */
export class SpikeDetector extends CountingDetector {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'spike', 'fireEnd');
  }

  protected counted(g: Group<CountingGroup>, time: number): Condition[] {
    if (this.cfg.direction === 'down' || !this.risesAt(g, time + 1)) return [];
    return this.held(g, this.evaluate(g, time + 1, true)!, time);
  }

  /**
   * The `up` half of the condition for the window ending at `end` (evaluate's, without building its
   * answer): every matching event asks it, and most are no spike.
   */
  private risesAt(g: Group<CountingGroup>, end: number): boolean {
    const { windowMs: w, baselineMs: b, ratio, minCount } = this.cfg;
    const start = end - w;
    if (start - b < g.firstSeen) return false;
    const count = g.state.counts.sum(start, end);
    if (count < minCount) return false;
    return count * b >= ratio * g.state.counts.sum(start - b, start) * w;
  }

  protected decide(g: Group<CountingGroup>, upTo: number, changed: Condition[]): void {
    const { windowMs: w, baselineMs: b } = this.cfg;
    const st = g.state;
    const lo = Math.max(this.firstUndecided(upTo), g.firstSeen + w + b);
    if (lo > upTo) return; // nothing new to decide, or a group whose history is shorter than window + baseline
    if (!st.fired && this.cfg.direction === 'up' && !this.mayRise(g, lo, upTo)) return;
    const ends = st.counts.edges(lo, upTo, [0, w, w + b]);
    if (st.fired && st.holdUntil > lo && st.holdUntil <= upTo && !ends.includes(st.holdUntil)) {
      ends.push(st.holdUntil);
      ends.sort((x, y) => x - y);
    }
    for (const end of [lo, ...ends]) {
      const e = this.evaluate(g, end, false)!;
      if (e.holds) changed.push(...this.held(g, e, end));
      else if (st.fired && end >= st.holdUntil) changed.push(this.resolve(g, e.count, end, e.baselineAvg));
    }
  }

  /**
   * Whether an `up` spike may hold at some window end in [lo, upTo], by bounds that need no look at each
   * end: no window ending there holds more events than [lo − window, upTo), and every baseline ending
   * there holds at least the events of the span all of them share. Between two advances, a quiet group
   * is so decided in four binary searches rather than a few at each event entering or leaving a window.
   */
  private mayRise(g: Group<CountingGroup>, lo: number, upTo: number): boolean {
    const { windowMs: w, baselineMs: b, ratio, minCount } = this.cfg;
    const counts = g.state.counts;
    const maxCount = counts.sum(lo - w, upTo);
    if (maxCount < minCount) return false;
    const minBase = upTo - lo < b ? counts.sum(upTo - w - b, lo - w) : 0;
    return maxCount * b >= ratio * minBase * w;
  }

  /** the spike held in e: extends the alert, or starts it (the only case that is a change) */
  private held(g: Group<CountingGroup>, e: Evaluation, at: number): Condition[] {
    if (!this.hold(g, e.end)) return [];
    return [this.fire(g, conditionOf(g, true, e.count, e.start, e.end, at, e.baselineAvg))];
  }

  /** the condition for the window ending at `end`; undefined while the group's history is shorter than window + baseline */
  private evaluate(g: Group<CountingGroup>, end: number, upOnly: boolean): Evaluation | undefined {
    const { windowMs: w, baselineMs: b, ratio, minCount, direction } = this.cfg;
    const start = end - w;
    if (start - b < g.firstSeen) return undefined;
    const count = g.state.counts.sum(start, end);
    const base = g.state.counts.sum(start - b, start);
    // baseline average = base × w / b; compared cross-multiplied by b to stay in integers
    const up = count * b >= ratio * base * w && count >= minCount;
    const down = count * ratio * b <= base * w && base * w >= minCount * b;
    let holds: boolean;
    if (upOnly) holds = up;
    else if (direction === 'up') holds = up;
    else if (direction === 'down') holds = down;
    else holds = up || down;
    return { holds, count, baselineAvg: (base * w) / b, start, end };
  }

  /**
   * Entries older than this can no longer matter: a window evaluated at the watermark or at the oldest
   * event still admitted (newest − lateness − window, evaluated at its time + 1) reaches window +
   * baseline further back.
   */
  protected keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const latestEnd = oldest === undefined ? watermark : Math.min(watermark, oldest + 1);
    return latestEnd - this.cfg.windowMs - this.cfg.baselineMs;
  }
}
