import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { GroupTable, detectorStats, firedConditions } from './group-table';
import { LatenessGate } from './lateness-gate';
import { TimeCounts } from './time-counts';
import { conditionOf, endedByExpiry } from './condition';
import { openSnapshot, type DetectorSnapshot } from './detector-snapshot';

interface ThresholdGroup {
  counts: TimeCounts;
  /** the condition that started the alert, while it fires */
  fired: Condition | null;
  /** end of the latest span seen reaching the threshold: the alert cannot end before the watermark passes it */
  spanEnd: number;
}

interface ThresholdGroupState {
  counts: unknown;
  fired: Condition | null;
  spanEnd: number;
}

/**
 * `threshold`: a group fires when any span [s, s + window) of event time holds >= threshold events
 * (events exactly `window` apart are never in one span). It is decided on each event, over the spans
 * that contain it. The alert ends on advance(w) once w has passed the latest span that reached the
 * threshold and the window [w − window, w) holds fewer than threshold events: a whole window in which
 * the condition was false. (Without the first half, a watermark trailing the newest events by the
 * allowed lateness would end an alert the moment it started.)
 */
export class ThresholdDetector implements Detector {
  private readonly gate: LatenessGate;
  private readonly groups: GroupTable<ThresholdGroup>;

  constructor(private readonly cfg: DetectorConfig) {
    this.gate = new LatenessGate(cfg.allowedLatenessMs, cfg.windowMs);
    this.groups = new GroupTable(cfg.maxGroups, cfg.groupTtlMs, () => ({ counts: new TimeCounts(), fired: null, spanEnd: -Infinity }));
  }

  observe(time: number, group: string, groupValues: Record<string, unknown>): Condition[] {
    if (!this.gate.admit(time)) return [];
    const g = this.groups.touch(group, groupValues, time);
    if (!g) return [];
    const st = g.state;
    st.counts.add(time);
    const start = this.latestReachingSpan(st.counts, time);
    if (start === undefined) return [];
    const end = start + this.cfg.windowMs;
    if (end > st.spanEnd) st.spanEnd = end;
    if (st.fired) return [];
    st.fired = conditionOf(g, true, st.counts.sum(start, end), start, end, time, this.cfg.threshold);
    return [st.fired];
  }

  advance(watermark: number): Condition[] {
    const changed: Condition[] = [];
    for (const g of this.groups.expire(watermark)) {
      if (g.state.fired) changed.push(endedByExpiry(g.state.fired, watermark));
    }
    const keepFrom = this.keepFrom(watermark);
    for (const g of this.groups.all()) {
      const st = g.state;
      if (st.fired && watermark >= st.spanEnd) {
        const start = watermark - this.cfg.windowMs;
        const count = st.counts.sum(start, watermark);
        if (count < this.cfg.threshold) {
          st.fired = null;
          changed.push(conditionOf(g, false, count, start, watermark, watermark, this.cfg.threshold));
        }
      }
      st.counts.pruneBefore(keepFrom);
    }
    return changed;
  }

  firing(): Condition[] {
    return firedConditions(this.groups);
  }

  snapshot(): DetectorSnapshot {
    return {
      version: 1,
      type: 'threshold',
      gate: this.gate.snapshot(),
      groups: this.groups.snapshot((s): ThresholdGroupState => ({
        counts: s.counts.snapshot(),
        fired: s.fired,
        // -Infinity is not JSON: a group that never reached the threshold stores null
        spanEnd: Number.isFinite(s.spanEnd) ? s.spanEnd : (null as unknown as number),
      })),
    };
  }

  restore(state: unknown): void {
    const s = openSnapshot(state, 'threshold');
    this.gate.restore(s.gate);
    this.groups.restore(s.groups, (raw) => {
      const r = raw as ThresholdGroupState;
      return {
        counts: TimeCounts.restore(r?.counts),
        fired: r?.fired ?? null,
        spanEnd: typeof r?.spanEnd === 'number' ? r.spanEnd : -Infinity,
      };
    });
  }

  stats(): DetectorStats {
    return detectorStats(this.groups, this.gate.late);
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
  private keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const byWatermark = watermark - this.cfg.windowMs;
    return oldest === undefined ? byWatermark : Math.min(byWatermark, oldest - this.cfg.windowMs + 1);
  }
}
