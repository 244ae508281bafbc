import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { GroupTable, type Group, detectorStats } from './group-table';
import { LatenessGate } from './lateness-gate';
import { conditionOf } from './condition';
import { openSnapshot, type DetectorSnapshot } from './detector-snapshot';

interface PatternGroup {
  firing: boolean;
}

/**
 * `pattern`: every matching event is an alert (count 1, window [t, t + window)). The group then counts
 * as firing until `window` ms of event time pass with no match: a match at t resolves at the first
 * watermark w >= t + window + 1, when the window [w − window, w) holds no match (the same rule as a
 * threshold of 1). The last match is the group's `lastSeen`, so nothing else is stored per group.
 */
export class PatternDetector implements Detector {
  private readonly gate: LatenessGate;
  private readonly groups: GroupTable<PatternGroup>;

  constructor(private readonly cfg: DetectorConfig) {
    this.gate = new LatenessGate(cfg.allowedLatenessMs, cfg.windowMs);
    this.groups = new GroupTable(cfg.maxGroups, cfg.groupTtlMs, () => ({ firing: false }));
  }

  observe(time: number, group: string, groupValues: Record<string, unknown>): Condition[] {
    if (!this.gate.admit(time)) return [];
    const g = this.groups.touch(group, groupValues, time);
    if (!g) return [];
    g.state.firing = true;
    return [conditionOf(g, true, 1, time, time + this.cfg.windowMs, time)];
  }

  advance(watermark: number): Condition[] {
    const changed: Condition[] = [];
    for (const g of this.groups.expire(watermark)) {
      if (g.state.firing) changed.push(this.resolved(g, watermark));
    }
    for (const g of this.groups.all()) {
      if (g.state.firing && watermark >= g.lastSeen + this.cfg.windowMs + 1) {
        g.state.firing = false;
        changed.push(this.resolved(g, watermark));
      }
    }
    return changed;
  }

  firing(): Condition[] {
    const out: Condition[] = [];
    for (const g of this.groups.all()) {
      if (g.state.firing) out.push(conditionOf(g, true, 1, g.lastSeen, g.lastSeen + this.cfg.windowMs, g.lastSeen));
    }
    return out;
  }

  snapshot(): DetectorSnapshot {
    return {
      version: 1,
      type: 'pattern',
      gate: this.gate.snapshot(),
      groups: this.groups.snapshot((s) => ({ firing: s.firing })),
    };
  }

  restore(state: unknown): void {
    const s = openSnapshot(state, 'pattern');
    this.gate.restore(s.gate);
    this.groups.restore(s.groups, (raw) => ({ firing: (raw as PatternGroup)?.firing === true }));
  }

  stats(): DetectorStats {
    return detectorStats(this.groups, this.gate.late);
  }

  /** the window [w − window, w) with no match in it (or the group forgotten at w) */
  private resolved(g: Group<PatternGroup>, watermark: number): Condition {
    const start = watermark - this.cfg.windowMs;
    const count = g.lastSeen >= start && g.lastSeen < watermark ? 1 : 0;
    return conditionOf(g, false, count, start, watermark, watermark);
  }
}
