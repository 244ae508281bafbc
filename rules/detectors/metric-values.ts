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

  constructor(
    private readonly agg: MetricAgg,
    private readonly exactLimit: number,
  ) {
    this.ordered = agg !== 'avg' && agg !== 'sum';
  }

  add(v: number, n: number): void {
    this.count += n;
    this.sum += v * n;
    if (!this.ordered) return;
    if (this.sorted) {
      const i = upperBound(this.sorted, v);
      if (n === 1) this.sorted.splice(i, 0, v);
      else this.sorted.splice(i, 0, ...new Array<number>(n).fill(v));
      if (this.sorted.length > this.exactLimit) {
        this.buckets = new LogBuckets();
        for (const x of this.sorted) this.buckets.add(x);
        this.sorted = null;
      }
    } else {
      this.buckets!.add(v, n);
    }
  }

  remove(v: number, n: number): void {
    this.count -= n;
    this.sum -= v * n;
    if (this.count === 0) this.sum = 0; // no rounding left over in an empty window
    if (!this.ordered) return;
    if (this.sorted) {
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
    return this.sorted ? this.sorted[r - 1] : this.buckets!.atRank(r);
  }
}

function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
