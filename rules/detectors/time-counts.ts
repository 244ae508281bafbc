import { lowerBound } from '../sorted-search';
import { windowEdges } from './window-edges';

/**
 * Event counts of one group on event time, exact to the millisecond. Each distinct millisecond holds
 * one entry (time, count), so a burst of a million events at a few milliseconds costs a few entries.
 * Entries are kept sorted by time with a running total next to them, so that the count of any span
 * [a, b) is two binary searches and a subtraction, whatever the number of events in it. Appending in
 * time order is O(1); an out-of-order event (within allowed lateness) is inserted in place and only the
 * running totals after it move.
 */
export interface TimeCountsState {
  /** times in epoch ms, ascending, distinct */
  t: number[];
  /** events at each time */
  c: number[];
}

export class TimeCounts {
  private times: number[] = [];
  private counts: number[] = [];
  /** cumulative[i] = base + counts[head..i]; entries below `head` were pruned and are ignored */
  private cumulative: number[] = [];
  /** running total before index 0 (what compacted-away entries summed to) */
  private base = 0;
  /** first live index: pruning moves it instead of shifting the arrays on every advance */
  private head = 0;

  get size(): number {
    return this.times.length - this.head;
  }

  /** the oldest and newest event time held (undefined when empty) */
  get first(): number | undefined {
    return this.size > 0 ? this.times[this.head] : undefined;
  }
  get last(): number | undefined {
    return this.size > 0 ? this.times[this.times.length - 1] : undefined;
  }

  /** counts `n` events at `time` */
  add(time: number, n = 1): void {
    const len = this.times.length;
    const lastIdx = len - 1;
    // fast paths: the same millisecond as the newest entry, or a newer one (the usual case)
    if (len > this.head && this.times[lastIdx] === time) {
      this.counts[lastIdx] += n;
      this.cumulative[lastIdx] += n;
      return;
    }
    if (len === this.head || this.times[lastIdx] < time) {
      this.times.push(time);
      this.counts.push(n);
      this.cumulative.push(this.before(len) + n);
      return;
    }
    const i = this.lowerBound(time);
    if (this.times[i] === time) {
      this.counts[i] += n;
    } else {
      this.times.splice(i, 0, time);
      this.counts.splice(i, 0, n);
      this.cumulative.splice(i, 0, this.before(i));
    }
    for (let k = i; k < this.cumulative.length; k++) this.cumulative[k] += n;
  }

  /** events with time in [start, end) */
  sum(start: number, end: number): number {
    if (end <= start) return 0;
    const i = this.lowerBound(start);
    const j = this.lowerBound(end);
    return j > i ? this.before(j) - this.before(i) : 0;
  }

  /** all events held */
  total(): number {
    return this.size > 0 ? this.before(this.times.length) - this.before(this.head) : 0;
  }

  /** forgets events before `time`: they can no longer fall into any window that is still evaluated */
  pruneBefore(time: number): void {
    this.head = this.lowerBound(time);
    // compact once half the arrays are dead, so pruning stays amortised O(1) per entry
    if (this.head > 0 && this.head * 2 >= this.times.length) {
      this.base = this.before(this.head);
      this.times = this.times.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.cumulative = this.cumulative.slice(this.head);
      this.head = 0;
    }
  }

  /** the index of the first live entry with time >= `time` (the array length if none) */
  lowerBound(time: number): number {
    // (a window ending just after the newest event, as each new event's is: no search)
    const n = this.times.length;
    if (n === this.head || this.times[n - 1] < time) return n;
    return lowerBound(this.times, time, this.head);
  }

  /** the window ends in (from, to] where an event enters or leaves a window (see windowEdges) */
  edges(from: number, to: number, offsets: readonly number[]): number[] {
    return windowEdges(this.times, this.head, from, to, offsets);
  }

  /** the time of live entry `i` (from lowerBound) */
  timeAt(i: number): number {
    return this.times[i];
  }

  snapshot(): TimeCountsState {
    return { t: this.times.slice(this.head), c: this.counts.slice(this.head) };
  }

  static restore(state: unknown): TimeCounts {
    const s = state as TimeCountsState;
    if (!s || !Array.isArray(s.t) || !Array.isArray(s.c) || s.t.length !== s.c.length) {
      throw new Error('bad detector snapshot: time counts');
    }
    const out = new TimeCounts();
    // add() keeps the invariants even if a hand-edited snapshot is out of order
    for (let i = 0; i < s.t.length; i++) out.add(Number(s.t[i]), Number(s.c[i]));
    return out;
  }

  /** running total of everything before index i */
  private before(i: number): number {
    return i === 0 ? this.base : this.cumulative[i - 1];
  }
}
