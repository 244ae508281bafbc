import type { Condition, DetectorConfig } from './types';
import type { Group } from './group-table';
import { TimeCounts, type TimeCountsState } from './time-counts';
import { conditionOf, endedByExpiry } from './condition';
import { WindowedDetector } from './windowed-detector';

/** what a counting detector keeps per group */
export interface CountingGroup {
  counts: TimeCounts;
  /** the condition that started the alert, while it fires */
  fired: Condition | null;
  /**
   * threshold and spike: end of the latest window in which the condition held (the alert cannot end
   * before it); flatline: the window end at which its alert last ended on an event (windows up to it
   * are decided)
   */
  holdUntil: number;
}

/**
 * The name under which a detector's snapshot keeps `holdUntil` (threshold: `spanEnd`, spike: `fireEnd`,
 * as registry.json has always had them; flatline: `resolvedAt`, absent from older snapshots, and only
 * once it resolved), or null for a detector that keeps none.
 */
export type HoldField = 'spanEnd' | 'fireEnd' | 'resolvedAt' | null;

/**
 * The detectors that count events per group on event time (threshold, spike, flatline): an event adds
 * to its group's counts; a group's alert starts once (`fire`) and is held for as long as the condition
 * keeps holding (`hold`); it ends when a window decided on advance no longer holds (`resolve`) or when
 * the ttl forgets the group (the same condition, not firing). Each advance decides every group over
 * the window ends since the last one, each change at the window end where it happened, and then
 * forgets the counts that no window still evaluated can reach (`keepFrom`).
 */
export abstract class CountingDetector extends WindowedDetector<CountingGroup> {
  constructor(
    cfg: DetectorConfig,
    type: DetectorConfig['type'],
    private readonly holdField: HoldField,
  ) {
    super(cfg, type, () => ({ counts: new TimeCounts(), fired: null, holdUntil: -Infinity }));
  }

  firing(): Condition[] {
    const out: Condition[] = [];
    for (const g of this.groups.all()) if (g.state.fired) out.push(g.state.fired);
    return out;
  }

  protected onEvent(g: Group<CountingGroup>, time: number): Condition[] {
    g.state.counts.add(time);
    return this.counted(g, time);
  }

  protected forgotten(g: Group<CountingGroup>): Condition[] {
    // its windows are decided up to the moment it is forgotten, and an alert still firing ends then
    const at = g.lastSeen + this.cfg.groupTtlMs;
    const out: Condition[] = [];
    this.decide(g, at, out);
    if (g.state.fired) {
      out.push(endedByExpiry(g.state.fired, at));
      g.state.fired = null;
    }
    return out;
  }

  protected slide(watermark: number, changed: Condition[]): void {
    const keepFrom = this.keepFrom(watermark);
    for (const g of this.groups.all()) {
      this.decide(g, watermark, changed);
      g.state.counts.pruneBefore(keepFrom);
    }
  }

  /** the group's counts, just added to at `time`: the conditions this event changed */
  protected abstract counted(g: Group<CountingGroup>, time: number): Condition[];
  /** decides the group's window ends after the last advance up to the watermark (counts not yet pruned), pushing what changed */
  protected abstract decide(g: Group<CountingGroup>, watermark: number, changed: Condition[]): void;
  /** the oldest event time any window still evaluated can reach: counts before it are forgotten */
  protected abstract keepFrom(watermark: number): number;

  /**
   * The condition held in a window ending at `end`: the alert is held at least until then. True when
   * the group is not firing yet, i.e. the caller starts the alert (`fire`).
   */
  protected hold(g: Group<CountingGroup>, end: number): boolean {
    if (end > g.state.holdUntil) g.state.holdUntil = end;
    return g.state.fired === null;
  }

  /** starts the group's alert with condition c (returned, for the caller's changes) */
  protected fire(g: Group<CountingGroup>, c: Condition): Condition {
    g.state.fired = c;
    return c;
  }

  /** ends the group's alert: the window [end − window, end) held `count` and the condition did not hold */
  protected resolve(g: Group<CountingGroup>, count: number, end: number, reference: number | undefined): Condition {
    g.state.fired = null;
    return conditionOf(g, false, count, end - this.cfg.windowMs, end, end, reference);
  }

  protected stateOut(s: CountingGroup): unknown {
    const out: { counts: TimeCountsState; fired: Condition | null; spanEnd?: number | null; fireEnd?: number | null; resolvedAt?: number } = {
      counts: s.counts.snapshot(),
      fired: s.fired,
    };
    // -Infinity is not JSON: a group whose condition never held stores null (flatline: only once it resolved)
    if (this.holdField === 'spanEnd' || this.holdField === 'fireEnd') out[this.holdField] = Number.isFinite(s.holdUntil) ? s.holdUntil : null;
    else if (this.holdField === 'resolvedAt' && Number.isFinite(s.holdUntil)) out.resolvedAt = s.holdUntil;
    return out;
  }

  protected stateIn(raw: unknown): CountingGroup {
    const r = raw as Record<string, unknown> | null | undefined;
    const held = this.holdField ? r?.[this.holdField] : undefined;
    return {
      counts: TimeCounts.restore(r?.counts),
      fired: (r?.fired as Condition | null | undefined) ?? null,
      holdUntil: typeof held === 'number' ? held : -Infinity,
    };
  }
}
