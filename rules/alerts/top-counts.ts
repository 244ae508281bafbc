import { compileFieldReader, type FieldReader } from '../field-path';
import { TimeCounts, type TimeCountsState } from '../detectors/time-counts';
import { TOP_COUNTS } from '../defaults';

/** A rule's `top_count_keys` as an alert shows them: per field, its most frequent values in the alert's window. */
export interface TopCount {
  field: string;
  /** most frequent first (ties: in value order); null is "the event has no such field" */
  values: Array<{ value: string | number | boolean | null; count: number }>;
  /** values counted in the window beyond those listed (other values, and values past the per-group cap) */
  others: number;
}

type Value = string | number | boolean | null;

/**
 * The values of one field of one group on event time: per distinct value a {@link TimeCounts} of
 * one entry per bucket of `bucketMs` (a second, or a hundredth of the window when that is longer),
 * so what is kept does not grow with the event rate and the count of a value in a window is exact
 * to the bucket (a window counts the whole buckets it touches). At most `TOP_COUNTS.max_values`
 * distinct values are kept per group and field; a value first seen while the cap is full is counted
 * in `overflow` (shown in `others`) until pruning frees a place.
 */
class FieldValues {
  private readonly byValue = new Map<Value, TimeCounts>();
  private overflow = new TimeCounts();

  constructor(private readonly bucketMs: number) {}

  private bucketOf(t: number): number {
    return Math.floor(t / this.bucketMs) * this.bucketMs;
  }

  add(v: Value, time: number): void {
    let counts = this.byValue.get(v);
    if (!counts) {
      if (this.byValue.size >= TOP_COUNTS.max_values) {
        this.overflow.add(this.bucketOf(time));
        return;
      }
      counts = new TimeCounts();
      this.byValue.set(v, counts);
    }
    counts.add(this.bucketOf(time));
  }

  /** the n most frequent values in the seconds that [start, end) touches */
  top(start: number, end: number, n: number): Omit<TopCount, 'field'> {
    const from = this.bucketOf(start);
    const all: Array<{ value: Value; count: number; key: string }> = [];
    for (const [value, counts] of this.byValue) {
      const count = counts.sum(from, end);
      if (count > 0) all.push({ value, count, key: JSON.stringify(value) });
    }
    all.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const shown = all.slice(0, n);
    const others = all.slice(n).reduce((s, e) => s + e.count, 0) + this.overflow.sum(from, end);
    return { values: shown.map(({ value, count }) => ({ value, count })), others };
  }

  /** forgets counts before `time`; true when nothing is left */
  prune(time: number): boolean {
    const from = this.bucketOf(time);
    for (const [value, counts] of this.byValue) {
      counts.pruneBefore(from);
      if (counts.size === 0) this.byValue.delete(value);
    }
    this.overflow.pruneBefore(from);
    return this.byValue.size === 0 && this.overflow.size === 0;
  }

  snapshot(): unknown {
    return { v: [...this.byValue].map(([value, counts]) => [value, counts.snapshot()]), o: this.overflow.snapshot() };
  }

  static restore(raw: unknown, bucketMs: number): FieldValues {
    const r = raw as { v?: Array<[Value, TimeCountsState]>; o?: TimeCountsState } | null;
    const out = new FieldValues(bucketMs);
    for (const [value, counts] of Array.isArray(r?.v) ? r.v : []) {
      out.byValue.set(value, TimeCounts.restore(counts));
    }
    if (r?.o) out.overflow = TimeCounts.restore(r.o);
    return out;
  }
}

/**
 * The counts behind `top_count_keys` for one rule: per group and field, how often each value came on
 * event time. Fed with every event the rule's filter lets through, asked for the top values of a
 * window when an alert fires, pruned as event time moves on. Bounded whatever the event rate: per
 * group and field at most `TOP_COUNTS.max_values` values, each with one entry per bucket of the kept
 * span (two windows and the allowed lateness: about 200 buckets and the lateness), for at most
 * `TOP_COUNTS.max_groups` groups; each event costs one field read, one map lookup and one add (an
 * increment, within the same bucket) per field.
 */
export class TopCounts {
  private readonly groups = new Map<string, FieldValues[]>();
  private readonly readers: FieldReader[];
  private readonly bucketMs: number;

  constructor(readonly fields: string[], windowMs: number) {
    this.readers = fields.map((f) => compileFieldReader(f));
    this.bucketMs = Math.max(1000, Math.floor(windowMs / TOP_COUNTS.buckets_per_window));
  }

  add(groupKey: string, time: number, doc: Record<string, unknown>): void {
    let g = this.groups.get(groupKey);
    if (!g) {
      if (this.groups.size >= TOP_COUNTS.max_groups) return;
      g = this.fields.map(() => new FieldValues(this.bucketMs));
      this.groups.set(groupKey, g);
    }
    for (let i = 0; i < this.readers.length; i++) {
      const vs = this.readers[i](doc);
      if (vs.length === 0) g[i].add(null, time);
      // an array counts each of its elements, as an Elasticsearch terms aggregation does
      else for (const v of vs) g[i].add(typeof v === 'object' ? JSON.stringify(v) : (v as Value), time);
    }
  }

  /** the top values of each field for the group's events in [start, end) */
  top(groupKey: string, start: number, end: number): TopCount[] {
    const g = this.groups.get(groupKey);
    return this.fields.map((field, i) => ({ field, ...(g ? g[i].top(start, end, TOP_COUNTS.shown) : { values: [], others: 0 }) }));
  }

  /** forgets the counts before `time` (and the groups left empty) */
  prune(time: number): void {
    for (const [key, g] of this.groups) {
      let empty = true;
      for (const f of g) empty = f.prune(time) && empty;
      if (empty) this.groups.delete(key);
    }
  }

  snapshot(): unknown {
    return { fields: this.fields, bucket_ms: this.bucketMs, groups: [...this.groups].map(([k, g]) => [k, g.map((f) => f.snapshot())]) };
  }

  /** takes back a snapshot of the same fields (another list of fields starts empty) */
  restore(raw: unknown): void {
    const r = raw as { fields?: unknown; bucket_ms?: unknown; groups?: Array<[string, unknown[]]> } | null;
    if (!r || JSON.stringify(r.fields) !== JSON.stringify(this.fields) || r.bucket_ms !== this.bucketMs || !Array.isArray(r.groups)) return;
    this.groups.clear();
    for (const [k, g] of r.groups) {
      if (typeof k === 'string' && Array.isArray(g) && g.length === this.fields.length) this.groups.set(k, g.map((f) => FieldValues.restore(f, this.bucketMs)));
    }
  }
}
