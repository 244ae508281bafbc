import { lowerBound, upperBound } from '../sorted-search';
import type { MetricAgg } from './types';
import type { Accumulator } from './sliding-window';
import { LogBuckets } from './log-buckets';

/** the percentile of each percentile aggregation, as a whole number of percent */
const PERCENT: Partial<Record<MetricAgg, number>> = { p50: 50, p95: 95, p99: 99 };

/**
 * The values of a metric rule's window: their count and sum always (avg and sum are exact), and for
 * min, max and percentiles the values in order. The order is exact (a sorted array) while the window
 * holds at most `exactLimit` values; past that it is kept in logarithmic buckets (log-buckets.ts,
 * relative error 1%), and it is made exact again, from the window's events, once the window holds
 * half the limit or fewer. Percentiles are by nearest rank: p95 of n values is the value at rank
 * ceil(0.95 n) in ascending order (of 20 values, the 19th).
 */
export class MetricValues implements Accumulator<number> {
  count = 0;
  private sum = 0;
  private sorted: number[] | null = [];
  private buckets: LogBuckets | null = null;
  private readonly ordered: boolean;
  /** lazy: values added and removed since the order was last needed, merged in at once then */
  private pendingAdds: number[] = [];
  private pendingRemoves: number[] = [];

  /**
   * `lazy` for a window measured now and then (at advances): its order is brought up to date when
   * measured, one sort and merge for everything that came and went since, instead of an insertion
   * into the sorted values per value.
   */
  constructor(
    private readonly agg: MetricAgg,
    private readonly exactLimit: number,
    private readonly lazy = false,
  ) {
    this.ordered = agg !== 'avg' && agg !== 'sum';
  }

  add(v: number, n: number): void {
    this.count += n;
    this.sum += v * n;
    if (!this.ordered) return;
    if (this.sorted && this.lazy) {
      for (let k = 0; k < n; k++) this.pendingAdds.push(v);
      if (this.count > this.exactLimit) this.toBuckets();
    } else if (this.sorted) {
      const i = upperBound(this.sorted, v);
      if (n === 1) this.sorted.splice(i, 0, v);
      else this.sorted.splice(i, 0, ...new Array<number>(n).fill(v));
      if (this.sorted.length > this.exactLimit) this.toBuckets();
    } else {
      this.buckets!.add(v, n);
    }
  }

  remove(v: number, n: number): void {
    this.count -= n;
    this.sum -= v * n;
    if (this.count === 0) this.sum = 0; // no rounding left over in an empty window
    if (!this.ordered) return;
    if (this.sorted && this.lazy) {
      for (let k = 0; k < n; k++) this.pendingRemoves.push(v);
    } else if (this.sorted) {
      const i = lowerBound(this.sorted, v);
      if (this.sorted[i] === v) this.sorted.splice(i, n);
    } else {
      this.buckets!.remove(v, n);
    }
  }

  clear(): void {
    this.count = 0;
    this.sum = 0;
    this.sorted = [];
    this.buckets = null;
    this.pendingAdds = [];
    this.pendingRemoves = [];
  }

  /** true when the order is kept in buckets but half the limit or fewer values are left */
  stale(): boolean {
    return this.sorted === null && this.count * 2 <= this.exactLimit;
  }

  /** the aggregate of the window's values; undefined when it has none */
  value(): number | undefined {
    if (this.count === 0) return undefined;
    switch (this.agg) {
      case 'sum':
        return this.sum;
      case 'avg':
        return this.sum / this.count;
      case 'min':
        return this.atRank(1);
      case 'max':
        return this.atRank(this.count);
      default:
        return this.atRank(Math.max(1, Math.ceil((PERCENT[this.agg]! * this.count) / 100)));
    }
  }

  private atRank(r: number): number | undefined {
    if (!this.sorted) return this.buckets!.atRank(r);
    this.flush();
    return this.sorted[r - 1];
  }

  private toBuckets(): void {
    this.flush();
    this.buckets = new LogBuckets();
    for (const x of this.sorted!) this.buckets.add(x);
    this.sorted = null;
  }

  /** merges the pending values into the sorted ones: the additions, then the removals (each one equal value) */
  private flush(): void {
    if (this.pendingAdds.length === 0 && this.pendingRemoves.length === 0) return;
    const adds = this.pendingAdds.sort((a, b) => a - b);
    const removes = this.pendingRemoves.sort((a, b) => a - b);
    const old = this.sorted!;
    const out: number[] = [];
    let i = 0, j = 0, k = 0;
    while (i < old.length || j < adds.length) {
      const v = j >= adds.length || (i < old.length && old[i] <= adds[j]) ? old[i++] : adds[j++];
      while (k < removes.length && removes[k] < v) k++;
      if (k < removes.length && removes[k] === v) k++;
      else out.push(v);
    }
    this.sorted = out;
    this.pendingAdds = [];
    this.pendingRemoves = [];
  }
}
