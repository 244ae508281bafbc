import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { GroupTable, type Group } from './group-table';
import { LatenessGate } from './lateness-gate';
import { openSnapshot, type DetectorSnapshot } from './detector-snapshot';

/**
 * The skeleton every detector shares: the lateness gate in front (SPEC 3.2), the table of groups with
 * its cap and ttl, the order of an advance (groups forgotten by the ttl first, then the windows slid
 * for the groups left), the snapshot envelope kept in registry.json (`state.rules.<id>.detector`) and
 * the stats, and the watermark of the last advance (`decidedTo`): window ends up to it are decided, so
 * the next advance decides those after it and before its own watermark, each at its own time, whatever
 * the steps the watermark moved in (a backtest's events, a daemon's ticks). A detector says only what is
 * its own: what an event does to its group, what a forgotten group ends, what sliding the window to a
 * watermark decides, and how its per-group state is written and read back.
 */
export abstract class WindowedDetector<S> implements Detector {
  protected readonly gate: LatenessGate;
  protected readonly groups: GroupTable<S>;
  /**
   * The watermark of the last advance: window ends up to it are decided. null: none yet (nothing
   * pruned, every end may be decided); undefined: restored from a snapshot of an older vigil, which did
   * not keep it (the next advance decides at its watermark only, as that vigil did).
   */
  protected decidedTo: number | null | undefined = null;

  constructor(
    protected readonly cfg: DetectorConfig,
    private readonly type: DetectorConfig['type'],
    newState: () => S,
    /** how far before the newest event minus the lateness an event still counts (default: a window) */
    gateWindowMs = cfg.windowMs,
  ) {
    this.gate = new LatenessGate(cfg.allowedLatenessMs, gateWindowMs);
    this.groups = new GroupTable(cfg.maxGroups, cfg.groupTtlMs, newState);
  }

  observe(time: number, group: string, groupValues: Record<string, unknown>, input?: unknown): Condition[] {
    if (!this.gate.admit(time)) return [];
    const g = this.groups.touch(group, groupValues, time);
    return g ? this.onEvent(g, time, input) : [];
  }

  advance(watermark: number): Condition[] {
    // event time does not go back: a watermark at or before the last one decides nothing new
    if (typeof this.decidedTo === 'number' && watermark <= this.decidedTo) return [];
    if (this.groups.size === 0) {
      // (most rules of a set see few of the events: nothing to forget, slide or decide)
      this.decidedTo = watermark;
      return [];
    }
    const changed: Condition[] = [];
    for (const g of this.groups.expire(watermark)) {
      const ended = this.forgotten(g, watermark);
      if (Array.isArray(ended)) changed.push(...ended);
      else if (ended) changed.push(ended);
    }
    this.slide(watermark, changed);
    this.decidedTo = watermark;
    return changed;
  }

  /** the first window end not decided yet, for a decision up to `upTo` */
  protected firstUndecided(upTo: number): number {
    if (this.decidedTo === undefined) return upTo;
    return this.decidedTo === null ? -Infinity : this.decidedTo + 1;
  }

  abstract firing(): Condition[];

  snapshot(): DetectorSnapshot {
    const out: DetectorSnapshot = {
      version: 1,
      type: this.type,
      gate: this.gate.snapshot(),
      groups: this.groups.snapshot((s) => this.stateOut(s)),
    };
    if (this.decidedTo !== undefined) out.watermark = this.decidedTo;
    return out;
  }

  restore(state: unknown): void {
    const s = openSnapshot(state, this.type);
    this.gate.restore(s.gate);
    this.groups.restore(s.groups, (raw) => this.stateIn(raw));
    this.decidedTo = s.watermark === undefined ? undefined : s.watermark;
  }

  /** its groups, the events refused at the cap, the late events */
  stats(): DetectorStats {
    return { groups: this.groups.size, groupsDropped: this.groups.dropped, late: this.gate.late };
  }

  /** an admitted event of group g (already in the table), with what the rule read of it: the conditions it changed */
  protected abstract onEvent(g: Group<S>, time: number, input?: unknown): Condition[];
  /**
   * the group g, forgotten by the ttl (at g.lastSeen + groupTtlMs, which the watermark has reached): what
   * its windows decided until then and the condition that ends its alert, if it had one
   */
  protected abstract forgotten(g: Group<S>, watermark: number): Condition | Condition[] | undefined;
  /** event time has reached the watermark: decides every group still kept, pushing what changed */
  protected abstract slide(watermark: number, changed: Condition[]): void;
  /** a group's state as plain JSON, and back (raw may be anything a hand-edited registry holds) */
  protected abstract stateOut(s: S): unknown;
  protected abstract stateIn(raw: unknown): S;
}
