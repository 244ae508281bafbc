import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { GroupTable, type Group, detectorStats, firedConditions } from './group-table';
import { LatenessGate } from './lateness-gate';
import { TimeCounts } from './time-counts';
import { conditionOf, endedByExpiry } from './condition';
import { openSnapshot, type DetectorSnapshot } from './detector-snapshot';

interface SpikeGroup {
  counts: TimeCounts;
  /** the condition that started the alert, while it fires */
  fired: Condition | null;
  /** end of the latest window in which the spike held: the alert cannot end before the watermark passes it */
  fireEnd: number;
}

interface SpikeGroupState {
  counts: unknown;
  fired: Condition | null;
  fireEnd: number;
}

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
 * checked; on advance(w) (end = w) the whole condition is checked, which catches drops (no events
 * come to trigger them) and ends alerts. An alert ends when w has passed the latest window in which
 * the spike held and the window ending at w does not hold. advance evaluates only the window ending at
 * the watermark it is given, not every window it skipped.
 *
 * History: a group does not fire until its baseline lies wholly within its own history, i.e. until
 * end − window − baseline >= the group's first event time. Before that the baseline would count time
 * when nobody was watching as silence, and every new group would "spike" against nothing. A group
 * forgotten by the ttl starts its history again when it comes back.
 *
 * The comparisons are made in integers (cross-multiplied) so that hand-computed edges are exact.
 */
export class SpikeDetector implements Detector {
  private readonly gate: LatenessGate;
  private readonly groups: GroupTable<SpikeGroup>;

  constructor(private readonly cfg: DetectorConfig) {
    this.gate = new LatenessGate(cfg.allowedLatenessMs, cfg.windowMs);
    this.groups = new GroupTable(cfg.maxGroups, cfg.groupTtlMs, () => ({ counts: new TimeCounts(), fired: null, fireEnd: -Infinity }));
  }

  observe(time: number, group: string, groupValues: Record<string, unknown>): Condition[] {
    if (!this.gate.admit(time)) return [];
    const g = this.groups.touch(group, groupValues, time);
    if (!g) return [];
    g.state.counts.add(time);
    if (this.cfg.direction === 'down') return [];
    const e = this.evaluate(g, time + 1, true);
    if (!e?.holds) return [];
    return this.held(g, e, time);
  }

  advance(watermark: number): Condition[] {
    const changed: Condition[] = [];
    for (const g of this.groups.expire(watermark)) {
      if (g.state.fired) changed.push(endedByExpiry(g.state.fired, watermark));
    }
    const keepFrom = this.keepFrom(watermark);
    for (const g of this.groups.all()) {
      const st = g.state;
      const e = this.evaluate(g, watermark, false);
      if (e?.holds) {
        changed.push(...this.held(g, e, watermark));
      } else if (st.fired && watermark >= st.fireEnd) {
        st.fired = null;
        const start = watermark - this.cfg.windowMs;
        const count = e?.count ?? st.counts.sum(start, watermark);
        changed.push(conditionOf(g, false, count, start, watermark, watermark, e?.baselineAvg));
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
      type: 'spike',
      gate: this.gate.snapshot(),
      groups: this.groups.snapshot((s): SpikeGroupState => ({
        counts: s.counts.snapshot(),
        fired: s.fired,
        // -Infinity is not JSON: a group that never spiked stores null
        fireEnd: Number.isFinite(s.fireEnd) ? s.fireEnd : (null as unknown as number),
      })),
    };
  }

  restore(state: unknown): void {
    const s = openSnapshot(state, 'spike');
    this.gate.restore(s.gate);
    this.groups.restore(s.groups, (raw) => {
      const r = raw as SpikeGroupState;
      return {
        counts: TimeCounts.restore(r?.counts),
        fired: r?.fired ?? null,
        fireEnd: typeof r?.fireEnd === 'number' ? r.fireEnd : -Infinity,
      };
    });
  }

  stats(): DetectorStats {
    return detectorStats(this.groups, this.gate.late);
  }

  /** the spike held in e: extends the alert, or starts it (the only case that is a change) */
  private held(g: Group<SpikeGroup>, e: Evaluation, at: number): Condition[] {
    const st = g.state;
    if (e.end > st.fireEnd) st.fireEnd = e.end;
    if (st.fired) return [];
    st.fired = conditionOf(g, true, e.count, e.start, e.end, at, e.baselineAvg);
    return [st.fired];
  }

  /** the condition for the window ending at `end`; undefined while the group's history is shorter than window + baseline */
  private evaluate(g: Group<SpikeGroup>, end: number, upOnly: boolean): Evaluation | undefined {
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
  private keepFrom(watermark: number): number {
    const oldest = this.gate.oldestAccepted();
    const latestEnd = oldest === undefined ? watermark : Math.min(watermark, oldest + 1);
    return latestEnd - this.cfg.windowMs - this.cfg.baselineMs;
  }
}
