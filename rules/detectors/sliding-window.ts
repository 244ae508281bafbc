import type { EventLog } from './event-log';

/** what a window sums up of the entries in it (distinct values, count and sum, the values in order) */
export interface Accumulator<V> {
  add(v: V, n: number): void;
  remove(v: V, n: number): void;
  clear(): void;
  /** true when rebuilding from the entries would serve better (a sketch that could be exact again) */
  stale?(): boolean;
}

/**
 * A window [lo, hi) of event time over an event log, with an accumulator that holds what is in it.
 * Windows move forward (the window ending at the newest event, the window ending at the watermark),
 * so a move adds the entries that came into range and removes those that left: each entry is added
 * and removed once per window. A move backwards or past the whole old range starts again from the log.
 * An event added to the log out of order is added to the accumulator when it falls inside (`added`).
 */
export class SlidingWindow<V> {
  private lo = -Infinity;
  private hi = -Infinity;
  private readonly addFn: (v: V, n: number) => void;
  private readonly removeFn: (v: V, n: number) => void;

  constructor(
    private readonly log: EventLog<V>,
    readonly acc: Accumulator<V>,
  ) {
    this.addFn = (v, n) => acc.add(v, n);
    this.removeFn = (v, n) => acc.remove(v, n);
  }

  /** moves the window to [lo, hi); the accumulator then holds exactly the log's entries in it */
  moveTo(lo: number, hi: number): void {
    if (lo === this.lo && hi === this.hi) return;
    if (lo < this.lo || hi < this.hi || lo >= this.hi) {
      this.rebuild(lo, hi);
      return;
    }
    this.log.each(this.lo, lo, this.removeFn);
    this.log.each(this.hi, hi, this.addFn);
    this.lo = lo;
    this.hi = hi;
    if (this.acc.stale?.()) this.rebuild(lo, hi);
  }

  /** an entry just added to the log (n events of value v at `time`) */
  added(time: number, v: V, n = 1): void {
    if (time >= this.lo && time < this.hi) this.acc.add(v, n);
  }

  /** forgets the position (the log changed underneath): the next move starts from the log */
  reset(): void {
    this.lo = -Infinity;
    this.hi = -Infinity;
    this.acc.clear();
  }

  private rebuild(lo: number, hi: number): void {
    this.acc.clear();
    this.log.each(lo, hi, this.addFn);
    this.lo = lo;
    this.hi = hi;
  }
}
