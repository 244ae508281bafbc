import type { DetectorConfig } from './types';
import type { Group } from './group-table';
import { RULE_DEFAULTS } from '../defaults';
import { EventLog } from './event-log';
import { SlidingWindow, type Accumulator } from './sliding-window';
import { HyperLogLog, hash32 } from './hyperloglog';
import { MeasuringDetector, type Measure, type MeasureStore } from './measuring-detector';

/** a window's values by id: how many events of each, and how many ids have any */
class DistinctIds implements Accumulator<number> {
  private counts: number[] = [];
  distinct = 0;
  events = 0;

  add(id: number, n: number): void {
    const c = this.counts[id] ?? 0;
    if (c === 0) this.distinct++;
    this.counts[id] = c + n;
    this.events += n;
  }

  remove(id: number, n: number): void {
    const c = (this.counts[id] ?? 0) - n;
    this.counts[id] = c;
    if (c === 0) this.distinct--;
    this.events -= n;
  }

  clear(): void {
    this.counts = [];
    this.distinct = 0;
    this.events = 0;
  }
}

/**
 * A group's values on event time. Exact: each distinct value gets a small id while the group holds it
 * (ids are reused once a value has left every window), the log holds ids, and the two windows count
 * ids. When the group holds more than `exactLimit` distinct values, the values are replaced by their
 * 32-bit hashes and a window is counted by a HyperLogLog sketch built from the hashes in it
 * (hyperloglog.ts), at advances only; the group counts exactly again once every event it held then
 * has left its windows.
 */
class CardinalityStore implements MeasureStore {
  private log = new EventLog<number>();
  private sketch = false;
  private ids = new Map<string, number>();
  private names: string[] = [];
  /** events in the log per id */
  private refs: number[] = [];
  private free: number[] = [];
  private tailWindow = new SlidingWindow(this.log, new DistinctIds());
  private settledWindow = new SlidingWindow(this.log, new DistinctIds());

  constructor(private readonly exactLimit: number) {}

  /** input: the event's values of the field as keys (an event without one counts for the group's life only) */
  add(time: number, input: unknown): void {
    if (!Array.isArray(input)) return;
    for (const v of input as string[]) this.addValue(time, v, 1);
  }

  addValue(time: number, v: string, n: number): void {
    if (this.sketch) {
      this.log.add(time, hash32(v), n);
      return;
    }
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.free.pop() ?? this.names.length;
      this.ids.set(v, id);
      this.names[id] = v;
      this.refs[id] = 0;
    }
    this.refs[id] += n;
    this.log.add(time, id, n);
    this.tailWindow.added(time, id, n);
    this.settledWindow.added(time, id, n);
    if (this.ids.size > this.exactLimit) this.toSketch();
  }

  tail(start: number, end: number): Measure | undefined {
    if (this.sketch) return undefined;
    return this.measure(this.tailWindow, start, end);
  }

  settled(start: number, end: number): Measure {
    if (!this.sketch) return this.measure(this.settledWindow, start, end);
    const hll = new HyperLogLog();
    let count = 0;
    this.log.each(start, end, (h, n) => {
      hll.add(h);
      count += n;
    });
    return { count, value: count === 0 ? 0 : Math.round(hll.estimate()) };
  }

  edges(from: number, to: number, windowMs: number): number[] {
    // a sketch is built anew for each window measured: on it, windows are decided at advances only
    return this.sketch ? [] : this.log.edges(from, to, windowMs);
  }

  pruneBefore(time: number): void {
    if (this.sketch) {
      this.log.pruneBefore(time);
      if (this.log.size === 0) this.toExact();
      return;
    }
    this.log.pruneBefore(time, (id, n) => {
      this.refs[id] -= n;
      if (this.refs[id] === 0) {
        this.ids.delete(this.names[id]);
        this.names[id] = '';
        this.free.push(id);
      }
    });
  }

  snapshot(): unknown {
    return this.sketch
      ? { mode: 'sketch', log: this.log.snapshot() }
      : { mode: 'exact', log: this.log.snapshot((id) => this.names[id]) };
  }

  static restore(raw: unknown, exactLimit: number): CardinalityStore {
    const r = raw as { mode?: unknown; log?: unknown } | null | undefined;
    const store = new CardinalityStore(exactLimit);
    if (r?.mode === 'sketch') {
      store.toSketch();
      store.log = EventLog.restore(r.log, (h) => {
        if (typeof h !== 'number' || !Number.isInteger(h)) throw new Error('bad detector snapshot: cardinality hash');
        return h >>> 0;
      });
    } else if (r?.mode === 'exact') {
      const log = EventLog.restore(r.log, (v) => {
        if (typeof v !== 'string') throw new Error('bad detector snapshot: cardinality value');
        return v;
      });
      log.each(-Infinity, Infinity, (v, n, t) => store.addValue(t, v, n));
    } else {
      throw new Error('bad detector snapshot: cardinality mode');
    }
    return store;
  }

  private measure(w: SlidingWindow<number>, start: number, end: number): Measure {
    w.moveTo(start, end);
    const acc = w.acc as DistinctIds;
    return { count: acc.events, value: acc.distinct };
  }

  private toSketch(): void {
    this.log = this.log.mapValues((id) => hash32(this.names[id]));
    this.sketch = true;
    this.ids = new Map();
    this.names = [];
    this.refs = [];
    this.free = [];
  }

  private toExact(): void {
    this.sketch = false;
    this.log = new EventLog<number>();
    this.tailWindow = new SlidingWindow(this.log, new DistinctIds());
    this.settledWindow = new SlidingWindow(this.log, new DistinctIds());
  }
}

/**
 * `cardinality`: the distinct values of `field` among a group's events in a window reach `max`, or
 * fall below `min` (decided at advances only, for a group seen a whole window before, as a flatline
 * is). Every value of the field counts (an array gives each of its elements), as its keyword: 1 and
 * "1" are one value, as Elasticsearch's cardinality aggregation counts them on a keyword field.
 */
export class CardinalityDetector extends MeasuringDetector<CardinalityStore> {
  constructor(cfg: DetectorConfig) {
    super(cfg, 'cardinality', () => new CardinalityStore(limit(cfg)));
  }

  protected restoreStore(raw: unknown): CardinalityStore {
    return CardinalityStore.restore(raw, limit(this.cfg));
  }

  protected holds(m: Measure, g: Group<unknown>, start: number, settled: boolean): boolean {
    const { max, min } = this.cfg.measure ?? {};
    if (m.value === undefined) return false;
    if (max !== undefined && m.value >= max) return true;
    return settled && min !== undefined && m.value < min && g.firstSeen <= start;
  }

  protected reference(m: Measure): number | undefined {
    const { max, min } = this.cfg.measure ?? {};
    return max !== undefined && (min === undefined || (m.value !== undefined && m.value >= max)) ? max : min;
  }
}

function limit(cfg: DetectorConfig): number {
  return cfg.measure?.exactLimit ?? RULE_DEFAULTS.exact_limit;
}
