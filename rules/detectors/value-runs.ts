/**
 * The values of one field of one group along event time, as runs: a run is a stretch of events with
 * the same value, kept as its value and the times of its first and last event. A change is the start
 * of a run (after a run of another value); it counts when the previous value was last seen less than
 * `withinMs` before it (null: at any age). Each change is reported once.
 *
 * Events in time order append to the last run or start one (the common case, O(1)). An event that
 * comes out of order is put in its place: it may extend a run (a change it moves earlier was reported
 * already), start a run between two others (the change into it is new; the one out of it was the
 * change into the next run already, unless the window now admits it), or land inside a run of another
 * value, which splits it. What lies between a run's first and last event is not kept, so a split takes
 * those two as the neighbours: the value before is taken as last seen at the run's first event, and
 * as seen again at its last event (the change back is reported at that time).
 */
export type FieldValue = string | number | boolean;

interface Run {
  v: FieldValue;
  first: number;
  last: number;
  /** the change into this run was reported */
  fired: boolean;
}

export interface ValueChange {
  /** the time of the first event with the new value */
  at: number;
  from: FieldValue;
  to: FieldValue;
}

/** [value, first, last, fired] */
export type ValueRunsState = Array<[FieldValue, number, number, boolean]>;

/** a bound on runs kept per group (a value flapping at a high rate within the allowed lateness) */
const MAX_RUNS = 256;

export class ValueRuns {
  private runs: Run[] = [];

  constructor(private readonly withinMs: number | null) {}

  get size(): number {
    return this.runs.length;
  }

  /** Records value `x` at time `t`; returns the changes this event brings to light, oldest first. */
  add(t: number, x: FieldValue): ValueChange[] {
    const changes = this.place(t, x);
    if (this.runs.length > MAX_RUNS) this.runs.splice(0, this.runs.length - MAX_RUNS);
    return changes;
  }

  private place(t: number, x: FieldValue): ValueChange[] {
    const runs = this.runs;
    const n = runs.length;
    if (n === 0) {
      runs.push(run(x, t));
      return [];
    }
    const tail = runs[n - 1];
    if (t >= tail.last) {
      if (x === tail.v) {
        tail.last = t;
        return [];
      }
      runs.push(run(x, t));
      return this.report(n);
    }
    // out of order: the last run starting at or before t
    let i = n - 1;
    while (i >= 0 && runs[i].first > t) i--;
    if (i < 0) {
      const next = runs[0];
      if (next.v === x) {
        next.first = t;
        return [];
      }
      runs.unshift(run(x, t));
      return this.report(1);
    }
    const r = runs[i];
    if (x === r.v) {
      if (t <= r.last) return [];
      r.last = t;
      return this.report(i + 1);
    }
    if (t >= r.last) {
      // between r and the next run (there is one: t is before the last run's last event)
      const next = runs[i + 1];
      if (next.v === x) {
        next.first = t;
        return this.report(i + 1);
      }
      runs.splice(i + 1, 0, run(x, t));
      return [...this.report(i + 1), ...this.report(i + 2)];
    }
    // inside r, of another value: r splits around it
    runs.splice(i, 1, { v: r.v, first: r.first, last: r.first, fired: r.fired }, run(x, t), run(r.v, r.last));
    return [...this.report(i + 1), ...this.report(i + 2)];
  }

  /** Forgets the runs no event from `floor` on can reach: all that end before it but the newest of them. */
  prune(floor: number): void {
    let k = 0;
    while (k + 1 < this.runs.length && this.runs[k + 1].last < floor) k++;
    if (k > 0) this.runs.splice(0, k);
  }

  snapshot(): ValueRunsState {
    return this.runs.map((r) => [r.v, r.first, r.last, r.fired]);
  }

  restore(state: unknown): void {
    if (!Array.isArray(state)) throw new Error('bad detector snapshot: runs');
    this.runs = state.map((r: unknown) => {
      const a = r as unknown[];
      const ok = Array.isArray(a) && ['string', 'number', 'boolean'].includes(typeof a[0]) && typeof a[1] === 'number' && typeof a[2] === 'number';
      if (!ok) throw new Error('bad detector snapshot: run');
      return { v: a[0] as FieldValue, first: a[1] as number, last: a[2] as number, fired: a[3] === true };
    });
  }

  /** the change into run j, if it counts and was not reported yet */
  private report(j: number): ValueChange[] {
    if (j <= 0 || j >= this.runs.length) return [];
    const prev = this.runs[j - 1];
    const cur = this.runs[j];
    if (cur.fired) return [];
    if (this.withinMs !== null && cur.first - prev.last >= this.withinMs) return [];
    cur.fired = true;
    return [{ at: cur.first, from: prev.v, to: cur.v }];
  }
}

function run(v: FieldValue, t: number): Run {
  return { v, first: t, last: t, fired: false };
}
