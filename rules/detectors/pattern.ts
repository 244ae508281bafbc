import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { conditionOf } from './condition';
import { WindowedDetector } from './windowed-detector';

interface PatternGroup {
  firing: boolean;
}

/**
 * `pattern`: every matching event is an alert (count 1, window [t, t + window)). The group then counts
 * as firing until `window` ms of event time pass with no match: a match at t resolves at the first
 * watermark w >= t + window + 1, when the window [w − window, w) holds no match (the same rule as a
 * threshold of 1). The last match is the group's `lastSeen`, so nothing else is stored per group.
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

  protected onEvent(g: Group<PatternGroup>, time: number): Condition[] {
    g.state.firing = true;
    return [conditionOf(g, true, 1, time, time + this.cfg.windowMs, time)];
  }

  protected forgotten(g: Group<PatternGroup>, watermark: number): Condition | undefined {
    return g.state.firing ? this.resolved(g, watermark) : undefined;
  }

  protected slide(watermark: number, changed: Condition[]): void {
    for (const g of this.groups.all()) {
      if (g.state.firing && watermark >= g.lastSeen + this.cfg.windowMs + 1) {
        g.state.firing = false;
        changed.push(this.resolved(g, watermark));
      }
    }
  }

  protected stateOut(s: PatternGroup): unknown {
    return { firing: s.firing };
  }

  protected stateIn(raw: unknown): PatternGroup {
    return { firing: (raw as PatternGroup | null | undefined)?.firing === true };
  }

  /** the window [w − window, w) with no match in it (or the group forgotten at w) */
  private resolved(g: Group<PatternGroup>, watermark: number): Condition {
    const start = watermark - this.cfg.windowMs;
    const count = g.lastSeen >= start && g.lastSeen < watermark ? 1 : 0;
    return conditionOf(g, false, count, start, watermark, watermark);
  }
}
