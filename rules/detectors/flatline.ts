import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { GroupTable, detectorStats, firedConditions } from './group-table';
import { LatenessGate } from './lateness-gate';
import { TimeCounts } from './time-counts';
import { conditionOf, endedByExpiry } from './condition';
import { openSnapshot, type DetectorSnapshot } from './detector-snapshot';

interface FlatlineGroup {
  counts: TimeCounts;
  /** the condition that started the alert, while it fires */
  fired: Condition | null;
}

interface FlatlineGroupState {
  counts: unknown;
  fired: Condition | null;
}

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
export class FlatlineDetector implements Detector {
  private readonly gate: LatenessGate;
  private readonly groups: GroupTable<FlatlineGroup>;

  constructor(private readonly cfg: DetectorConfig) {
    this.gate = new LatenessGate(cfg.allowedLatenessMs, cfg.windowMs);
    this.groups = new GroupTable(cfg.maxGroups, cfg.groupTtlMs, () => ({ counts: new TimeCounts(), fired: null }));
  }

  observe(time: number, group: string, groupValues: Record<string, unknown>): Condition[] {
    if (!this.gate.admit(time)) return [];
    this.groups.touch(group, groupValues, time)?.state.counts.add(time);
    return [];
  }

  advance(watermark: number): Condition[] {
    const changed: Condition[] = [];
    for (const g of this.groups.expire(watermark)) {
      if (g.state.fired) changed.push(endedByExpiry(g.state.fired, watermark));
    }
    const start = watermark - this.cfg.windowMs;
    const keepFrom = this.keepFrom(watermark);
    for (const g of this.groups.all()) {
      const st = g.state;
      if (g.firstSeen <= start) {
        const count = st.counts.sum(start, watermark);
        const below = count < this.cfg.threshold;
        if (below && !st.fired) {
          st.fired = conditionOf(g, true, count, start, watermark, watermark, this.cfg.threshold);
          changed.push(st.fired);
        } else if (!below && st.fired) {
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
      type: 'flatline',
      gate: this.gate.snapshot(),
      groups: this.groups.snapshot((s): FlatlineGroupState => ({ counts: s.counts.snapshot(), fired: s.fired })),
    };
  }

  restore(state: unknown): void {
    const s = openSnapshot(state, 'flatline');
    this.gate.restore(s.gate);
    this.groups.restore(s.groups, (raw) => {
      const r = raw as FlatlineGroupState;
      return { counts: TimeCounts.restore(r?.counts), fired: r?.fired ?? null };
    });
  }

  stats(): DetectorStats {
    return detectorStats(this.groups, this.gate.late);
  }

  /** windows evaluated start at w − window; the oldest event still admitted is newest − lateness − window */
  private keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const byWatermark = watermark - this.cfg.windowMs;
    return oldest === undefined ? byWatermark : Math.min(byWatermark, oldest);
  }
}
