import type { Condition, Detector, DetectorConfig, DetectorStats } from './types';
import { GroupTable, type Group } from './group-table';
import { LatenessGate } from './lateness-gate';
import { openSnapshot, type DetectorSnapshot } from './detector-snapshot';

/**
 * The skeleton every detector shares: the lateness gate in front (SPEC 3.2), the table of groups with
 * its cap and ttl, the order of an advance (groups forgotten by the ttl first, then the windows slid
 * for the groups left), the snapshot envelope kept in registry.json (`state.rules.<id>.detector`) and
 * the stats. A detector says only what is its own: what an event does to its group, what a forgotten
 * group ends, what sliding the window to a watermark decides, and how its per-group state is written
 * and read back.
 */
export abstract class WindowedDetector<S> implements Detector {
  protected readonly gate: LatenessGate;
  protected readonly groups: GroupTable<S>;

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
    const changed: Condition[] = [];
    for (const g of this.groups.expire(watermark)) {
      const ended = this.forgotten(g, watermark);
      if (ended) changed.push(ended);
    }
    this.slide(watermark, changed);
    return changed;
  }

  abstract firing(): Condition[];

  snapshot(): DetectorSnapshot {
    return {
      version: 1,
      type: this.type,
      gate: this.gate.snapshot(),
      groups: this.groups.snapshot((s) => this.stateOut(s)),
    };
  }

  restore(state: unknown): void {
    const s = openSnapshot(state, this.type);
    this.gate.restore(s.gate);
    this.groups.restore(s.groups, (raw) => this.stateIn(raw));
  }

  /** its groups, the events refused at the cap, the late events */
  stats(): DetectorStats {
    return { groups: this.groups.size, groupsDropped: this.groups.dropped, late: this.gate.late };
  }

  /** an admitted event of group g (already in the table), with what the rule read of it: the conditions it changed */
  protected abstract onEvent(g: Group<S>, time: number, input?: unknown): Condition[];
  /** the group g, forgotten at the watermark by the ttl: the condition that ends its alert, if it had one */
  protected abstract forgotten(g: Group<S>, watermark: number): Condition | undefined;
  /** event time has reached the watermark: decides every group still kept, pushing what changed */
  protected abstract slide(watermark: number, changed: Condition[]): void;
  /** a group's state as plain JSON, and back (raw may be anything a hand-edited registry holds) */
  protected abstract stateOut(s: S): unknown;
  protected abstract stateIn(raw: unknown): S;
}
