/** one group of a detector: the events of a rule that share their group_by values */
export interface Group<S> {
  key: string;
  values: Record<string, unknown>;
  /** oldest and newest event time seen for the group (its history starts at `firstSeen`) */
  firstSeen: number;
  lastSeen: number;
  /** what the detector keeps per group */
  state: S;
}

interface GroupRecord {
  key: string;
  values: Record<string, unknown>;
  firstSeen: number;
  lastSeen: number;
  state: unknown;
}

export interface GroupTableState {
  dropped: number;
  groups: GroupRecord[];
}

/**
 * The groups of one detector and the memory bound on them: at most `maxGroups` groups (a new group
 * beyond the cap is dropped and counted; every refused event of such a group counts once, since
 * remembering which groups were dropped would itself be unbounded), and a group with no event for
 * `groupTtlMs` of event time (measured by the watermark) is forgotten.
 */
export class GroupTable<S> {
  private readonly groups = new Map<string, Group<S>>();
  dropped = 0;

  constructor(
    private readonly maxGroups: number,
    private readonly ttlMs: number,
    private readonly newState: () => S,
  ) {}

  get size(): number {
    return this.groups.size;
  }

  /** the group of an event at `time`, created if new; undefined when the cap refuses a new group */
  touch(key: string, values: Record<string, unknown>, time: number): Group<S> | undefined {
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= this.maxGroups) {
        this.dropped++;
        return undefined;
      }
      g = { key, values, firstSeen: time, lastSeen: time, state: this.newState() };
      this.groups.set(key, g);
      return g;
    }
    if (time < g.firstSeen) g.firstSeen = time;
    if (time > g.lastSeen) g.lastSeen = time;
    return g;
  }

  /** the group of this key, if kept */
  get(key: string): Group<S> | undefined {
    return this.groups.get(key);
  }

  all(): IterableIterator<Group<S>> {
    return this.groups.values();
  }

  /** removes and returns the groups whose last event is groupTtlMs or more behind the watermark */
  expire(watermark: number): Group<S>[] {
    const gone: Group<S>[] = [];
    for (const g of this.groups.values()) {
      if (watermark - g.lastSeen >= this.ttlMs) gone.push(g);
    }
    for (const g of gone) this.groups.delete(g.key);
    return gone;
  }

  snapshot(stateOut: (s: S) => unknown): GroupTableState {
    const groups: GroupRecord[] = [];
    for (const g of this.groups.values()) {
      groups.push({ key: g.key, values: g.values, firstSeen: g.firstSeen, lastSeen: g.lastSeen, state: stateOut(g.state) });
    }
    return { dropped: this.dropped, groups };
  }

  restore(state: unknown, stateIn: (raw: unknown) => S): void {
    const s = state as GroupTableState;
    if (!s || typeof s.dropped !== 'number' || !Array.isArray(s.groups)) {
      throw new Error('bad detector snapshot: groups');
    }
    this.groups.clear();
    this.dropped = s.dropped;
    for (const r of s.groups) {
      if (typeof r.key !== 'string' || typeof r.firstSeen !== 'number' || typeof r.lastSeen !== 'number') {
        throw new Error('bad detector snapshot: group');
      }
      this.groups.set(r.key, {
        key: r.key,
        values: r.values ?? {},
        firstSeen: r.firstSeen,
        lastSeen: r.lastSeen,
        state: stateIn(r.state),
      });
    }
  }
}
