import { lowerBound, upperBound } from '../sorted-search';
import { windowEdges } from './window-edges';

/**
 * A group's events on event time with the value its rule measures in each (a cardinality rule's field
 * value, a metric rule's number), kept sorted by time for as long as a window still evaluated can
 * reach them. Equal neighbours (same millisecond, same value) share one entry with a count, so a burst
 * of one value costs one entry. Appending in time order is O(1); an out-of-order event (within the
 * allowed lateness) is inserted in place, after the entries of its own millisecond.
 */
export interface EventLogState<V> {
  /** times in epoch ms, ascending */
  t: number[];
  v: V[];
  /** events per entry */
  n: number[];
}

export class EventLog<V> {
  private times: number[] = [];
  private vals: V[] = [];
  private ns: number[] = [];
  /** first live index: pruning moves it, and the arrays are compacted once half of them is dead */
  private head = 0;

  /** live entries */
  get size(): number {
    return this.times.length - this.head;
  }

  /** counts `n` events of value v at `time` */
  add(time: number, v: V, n = 1): void {
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last] === time && this.vals[last] === v) {
      this.ns[last] += n;
      return;
    }
    if (last < this.head || this.times[last] <= time) {
      this.times.push(time);
      this.vals.push(v);
      this.ns.push(n);
      return;
    }
    const i = upperBound(this.times, time, this.head);
    if (i > this.head && this.times[i - 1] === time && this.vals[i - 1] === v) {
      this.ns[i - 1] += n;
      return;
    }
    this.times.splice(i, 0, time);
    this.vals.splice(i, 0, v);
    this.ns.splice(i, 0, n);
  }

  /** calls fn for each entry with time in [from, to), in time order */
  each(from: number, to: number, fn: (v: V, n: number, time: number) => void): void {
    if (to <= from) return;
    const len = this.times.length;
    for (let i = lowerBound(this.times, from, this.head); i < len && this.times[i] < to; i++) fn(this.vals[i], this.ns[i], this.times[i]);
  }

  /** the window ends in (from, to] where an entry enters or leaves a window of `windowMs` (see windowEdges) */
  edges(from: number, to: number, windowMs: number): number[] {
    return windowEdges(this.times, this.head, from, to, [0, windowMs]);
  }

  /** forgets the entries before `time` (each passed to onDrop first) */
  pruneBefore(time: number, onDrop?: (v: V, n: number) => void): void {
    const to = lowerBound(this.times, time, this.head);
    if (onDrop) for (let i = this.head; i < to; i++) onDrop(this.vals[i], this.ns[i]);
    this.head = to;
    if (this.head > 0 && this.head * 2 >= this.times.length) {
      this.times = this.times.slice(this.head);
      this.vals = this.vals.slice(this.head);
      this.ns = this.ns.slice(this.head);
      this.head = 0;
    }
  }

  /** replaces every live value by f(value) (cardinality: ids become hashes when a group goes to its sketch) */
  mapValues<W>(f: (v: V) => W): EventLog<W> {
    const out = new EventLog<W>();
    for (let i = this.head; i < this.times.length; i++) out.add(this.times[i], f(this.vals[i]), this.ns[i]);
    return out;
  }

  snapshot<W = V>(f?: (v: V) => W): EventLogState<W> {
    const v = this.vals.slice(this.head);
    return { t: this.times.slice(this.head), v: (f ? v.map(f) : v) as W[], n: this.ns.slice(this.head) };
  }

  /** a log from a snapshot; `value` checks and converts each value (throws on a bad one) */
  static restore<V>(state: unknown, value: (raw: unknown) => V): EventLog<V> {
    const s = state as EventLogState<unknown> | null | undefined;
    if (!s || !Array.isArray(s.t) || !Array.isArray(s.v) || !Array.isArray(s.n) || s.t.length !== s.v.length || s.t.length !== s.n.length) {
      throw new Error('bad detector snapshot: event log');
    }
    const out = new EventLog<V>();
    // add() keeps the order even if a hand-edited snapshot is out of order
    for (let i = 0; i < s.t.length; i++) {
      const t = Number(s.t[i]);
      const n = Number(s.n[i]);
      if (!Number.isFinite(t) || !(n >= 1)) throw new Error('bad detector snapshot: event log entry');
      out.add(t, value(s.v[i]), n);
    }
    return out;
  }
}
