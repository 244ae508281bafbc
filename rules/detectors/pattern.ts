import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { conditionOf } from './condition';
import { WindowedDetector } from './windowed-detector';

interface PatternGroup {
  firing: boolean;
}

/**
 * `pattern`: every matching event is an alert (count 1, window [t, t + window)). The group then counts
 * as firing until `window` ms of event time pass with no match: after a last match at t it resolves at
 * t + window + 1, the end of the first window [T − window, T) without a match (the same rule as a
 * threshold of 1), decided once the watermark has passed it, or by the next match of the group when the
 * rule's newest event already makes it safe to decide. The last match is the group's `lastSeen`, so
 * nothing else is stored per group.
 */
export class PatternDetector extends WindowedDetector<PatternGroup> {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'pattern', () => ({ firing: false }));
  }

  firing(): Condition[] {
    const out: Condition[] = [];
    for (const g of this.groups.all()) {
      if (g.state.firing) out.push(conditionOf(g, true, 1, g.lastSeen, g.lastSeen + this.cfg.windowMs, g.lastSeen));
    }
    return out;
  }

  override observe(time: number, group: string, groupValues: Record<string, unknown>): Condition[] {
    // a match after a whole window without one: the episode it follows ended first
    const g = this.groups.get(group);
    const newest = this.gate.newest === null ? time : Math.max(this.gate.newest, time);
    if (g?.state.firing && g.lastSeen + this.cfg.windowMs + 1 <= Math.min(time, newest - this.cfg.allowedLatenessMs)) {
      g.state.firing = false;
      return [this.resolved(g), ...super.observe(time, group, groupValues)];
    }
    return super.observe(time, group, groupValues);
  }

  protected onEvent(g: Group<PatternGroup>, time: number): Condition[] {
    g.state.firing = true;
    return [conditionOf(g, true, 1, time, time + this.cfg.windowMs, time)];
  }

  protected forgotten(g: Group<PatternGroup>): Condition | undefined {
    return g.state.firing ? this.resolved(g) : undefined;
  }

  protected slide(watermark: number, changed: Condition[]): void {
    for (const g of this.groups.all()) {
      if (g.state.firing && watermark >= g.lastSeen + this.cfg.windowMs + 1) {
        g.state.firing = false;
        changed.push(this.resolved(g));
      }
    }
  }

  protected stateOut(s: PatternGroup): unknown {
    return { firing: s.firing };
  }

  protected stateIn(raw: unknown): PatternGroup {
    return { firing: (raw as PatternGroup | null | undefined)?.firing === true };
  }

  /** the first window after the last match with no match in it: [lastSeen + 1, lastSeen + window + 1) */
  private resolved(g: Group<PatternGroup>): Condition {
    const end = g.lastSeen + this.cfg.windowMs + 1;
    return conditionOf(g, false, 0, end - this.cfg.windowMs, end, end);
  }
}
