import { expect } from 'chai';
import { createDetector } from '../../rules/detectors/create';
import type { Condition, Detector, DetectorConfig, MeasureOptions } from '../../rules/detectors/types';
import { HyperLogLog, hash32 } from '../../rules/detectors/hyperloglog';
import { LogBuckets } from '../../rules/detectors/log-buckets';
import { MetricValues } from '../../rules/detectors/metric-values';
import { EventLog } from '../../rules/detectors/event-log';
import { SlidingWindow } from '../../rules/detectors/sliding-window';

/**
 * cardinality, metric and ratio (rules/detectors/measuring-detector.ts) against hand-computed
 * expectations: 1 s windows, no lateness unless asked. The window decided on an event is the one
 * ending at the newest event, (newest − 1000, newest] = [newest − 999, newest + 1); on advance(w), [w − 1000, w).
 */
function detector(type: 'cardinality' | 'metric' | 'ratio', measure: MeasureOptions = {}, over: Partial<DetectorConfig> = {}): Detector {
  return createDetector({
    type,
    windowMs: 1000,
    threshold: 1,
    baselineMs: 0,
    ratio: 3,
    minCount: 1,
    direction: 'up',
    allowedLatenessMs: 0,
    maxGroups: 100,
    groupTtlMs: 1_000_000,
    ...over,
    measure: { exactLimit: 10_000, ...measure },
  });
}

const G = '["a"]';
const GV = { host: 'a' };

/** events of group G: [time, input] */
function feed(d: Detector, events: Array<[number, unknown]>): Condition[] {
  const out: Condition[] = [];
  for (const [t, input] of events) out.push(...d.observe(t, G, GV, input));
  return out;
}

/** a cardinality event's input: its values as keys */
const user = (t: number, ...names: string[]): [number, string[]] => [t, names];
/** a metric event's input: its numbers */
const num = (t: number, ...values: number[]): [number, number[]] => [t, values];
/** a ratio event's input: whether it matches `where` */
const base = (t: number, matches: boolean): [number, boolean] => [t, matches];

const brief = (c: Condition) => ({ firing: c.firing, count: c.count, value: c.value, windowStart: c.windowStart, windowEnd: c.windowEnd, at: c.at });
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('measuring detectors', () => {
  describe('cardinality', () => {
    it('fires when the distinct values in the window reach max, not one below; repeats of a value do not count', () => {
      const d = detector('cardinality', { max: 3 });
      expect(feed(d, [user(0, 'alice'), user(100, 'bob'), user(200, 'alice'), user(300, 'bob')])).to.deep.equal([]);
      const fired = feed(d, [user(999, 'carol')]);
      expect(fired.map(brief)).to.deep.equal([{ firing: true, count: 5, value: 3, windowStart: 0, windowEnd: 1000, at: 999 }]);
      expect(fired[0].reference).to.equal(3);
      expect(feed(d, [user(999, 'dave')])).to.deep.equal([]); // already firing
      expect(d.firing()).to.have.length(1);
    });

    it('t and t + window are not in one window; t and t + window − 1 are', () => {
      const apart = detector('cardinality', { max: 3 });
      expect(feed(apart, [user(0, 'alice'), user(500, 'bob'), user(1000, 'carol')])).to.deep.equal([]);
      const inside = detector('cardinality', { max: 3 });
      expect(feed(inside, [user(0, 'alice'), user(500, 'bob'), user(999, 'carol')]).map((c) => c.value)).to.deep.equal([3]);
    });

    it('every element of an array counts, and an event without the field counts no value', () => {
      const d = detector('cardinality', { max: 3 });
      expect(feed(d, [[0, []], user(10, 'alice', 'bob')])).to.deep.equal([]);
      expect(feed(d, [user(20, 'bob', 'carol')]).map(brief)).to.deep.equal([{ firing: true, count: 4, value: 3, windowStart: -979, windowEnd: 21, at: 20 }]);
    });

    it('resolves on the first advance whose whole window is below max again', () => {
      const d = detector('cardinality', { max: 3 });
      feed(d, [user(0, 'alice'), user(500, 'bob'), user(999, 'carol')]);
      expect(d.advance(1000)).to.deep.equal([]); // [0, 1000) still holds 3
      expect(d.advance(1001).map(brief)).to.deep.equal([{ firing: false, count: 2, value: 2, windowStart: 1, windowEnd: 1001, at: 1001 }]);
      expect(d.firing()).to.deep.equal([]);
      expect(d.advance(5000)).to.deep.equal([]); // resolved once
    });

    it('counts a late event within the allowed lateness in its own time; refuses and counts one beyond it', () => {
      const d = detector('cardinality', { max: 3 }, { allowedLatenessMs: 2000 });
      feed(d, [user(5000, 'alice'), user(5500, 'bob')]);
      // 4600 is behind the newest (5500) by less than lateness + window: in the window [4501, 5501) decided now
      expect(feed(d, [user(4600, 'carol')]).map(brief)).to.deep.equal([{ firing: true, count: 3, value: 3, windowStart: 4501, windowEnd: 5501, at: 4600 }]);
      expect(d.stats().late).to.equal(0);

      const e = detector('cardinality', { max: 2 }, { allowedLatenessMs: 2000 });
      feed(e, [user(10_000, 'alice')]);
      // the oldest event admitted is 10000 − 2000 − 1000 = 7000
      expect(feed(e, [user(6999, 'bob')])).to.deep.equal([]);
      expect(e.stats().late).to.equal(1);
      expect(feed(e, [user(7000, 'bob')])).to.deep.equal([]); // admitted, but not in [9001, 10001)
      expect(e.stats().late).to.equal(1);
      // [7000, 8000) at the advance to 8000 holds bob only: the refused 6999 is not in it
      expect(e.advance(8000)).to.deep.equal([]);
    });

    it('a late event outside the window of the newest event is counted at the next advance', () => {
      const d = detector('cardinality', { max: 3 }, { allowedLatenessMs: 2000 });
      feed(d, [user(5000, 'alice'), user(6900, 'xavier')]);
      // 5200 and 5400 are admitted (oldest: 3900) but lie before [5901, 6901)
      expect(feed(d, [user(5200, 'bob'), user(5400, 'carol')])).to.deep.equal([]);
      // decided at the advance, at the window end where it began: carol enters at 5401, [4401, 5401)
      // holds alice, bob and carol (at 5400 the window lacked carol), whatever the watermark's step
      expect(d.advance(5500).map(brief)).to.deep.equal([{ firing: true, count: 3, value: 3, windowStart: 4401, windowEnd: 5401, at: 5401 }]);
    });

    it('min: a group seen a whole window before fires when its distinct values fall below min, at an advance', () => {
      const d = detector('cardinality', { min: 2 });
      feed(d, [user(0, 'alice'), user(100, 'bob'), user(1050, 'alice')]);
      expect(d.advance(1000)).to.deep.equal([]); // [0, 1000): alice and bob
      // decided at 1101, each at its window end: alice (0) leaves at 1001, [1, 1001) holds bob only, below
      // min; alice (1050) enters at 1051, [51, 1051) holds bob and alice; bob leaves at 1101, alice alone
      expect(d.advance(1101).map(brief)).to.deep.equal([
        { firing: true, count: 1, value: 1, windowStart: 1, windowEnd: 1001, at: 1001 },
        { firing: false, count: 2, value: 2, windowStart: 51, windowEnd: 1051, at: 1051 },
        { firing: true, count: 1, value: 1, windowStart: 101, windowEnd: 1101, at: 1101 },
      ]);
      feed(d, [user(1500, 'carol'), user(1600, 'bob')]);
      expect(d.advance(1400)).to.deep.equal([]); // [400, 1400): alice only, still below
      // carol enters at 1501: [501, 1501) holds alice and carol, the first whole window in which the
      // condition was false (decided at 2050, where [1050, 2050) holds alice, carol and bob)
      expect(d.advance(2050).map(brief)).to.deep.equal([{ firing: false, count: 2, value: 2, windowStart: 501, windowEnd: 1501, at: 1501 }]);
      // a group first seen less than a window before the watermark is not decided
      const young = detector('cardinality', { min: 2 });
      young.observe(600, G, GV, ['alice']);
      expect(young.advance(1101)).to.deep.equal([]);
      // from 1600 its history spans a whole window: [600, 1600) holds alice alone, below min
      expect(young.advance(1601).map((c) => [c.firing, c.value, c.at])).to.deep.equal([[true, 1, 1600]]);
    });

    it('past exact_limit distinct values a group is counted by HyperLogLog at advances, and exactly again once those events are gone', () => {
      const d = detector('cardinality', { max: 4700, exactLimit: 100 });
      const events: Array<[number, string[]]> = [];
      for (let i = 0; i < 5000; i++) events.push(user(Math.floor(i / 10), `user${i}`));
      expect(feed(d, events)).to.deep.equal([]); // in sketch mode from the 101st value: no decision on events
      const [c] = d.advance(500);
      expect(c.firing).to.equal(true);
      // on its sketch a group is decided at the watermark only (a sketch per window end would cost too much)
      expect(c.count).to.equal(5000);
      expect(Math.abs(c.value! - 5000) / 5000).to.be.lessThan(0.049); // 3 standard errors
      const mode = () => (asJson(d.snapshot()) as { groups: { groups: Array<{ state: { store: { mode: string } } }> } }).groups.groups[0].state.store.mode;
      expect(mode()).to.equal('sketch');
      // an event of another group moves event time on: every event the group held leaves its windows
      d.observe(3000, '["b"]', { host: 'b' }, ['zoe']);
      expect(d.advance(3000).map((x) => x.firing)).to.deep.equal([false]);
      expect(mode()).to.equal('exact');
      expect(feed(d, [user(3001, 'a1'), user(3002, 'a2')])).to.deep.equal([]);
      expect(asJson(d.snapshot())).to.nested.include({ 'groups.groups[0].state.store.log.v[1]': 'a2' });
    });

    it('HyperLogLog estimates within its stated error', () => {
      for (const n of [1, 100, 10_000, 100_000, 1_000_000]) {
        const h = new HyperLogLog();
        for (let i = 0; i < n; i++) h.add(hash32(`10.0.${i >> 8}.${i & 255}:${i}`));
        // 3 standard errors (1.6% each)
        expect(Math.abs(h.estimate() - n) / n, `n = ${n}`).to.be.lessThan(0.049);
      }
      expect(new HyperLogLog().estimate()).to.equal(0);
    });
  });

  describe('metric', () => {
    it('avg: fires strictly above, not at the bound', () => {
      const d = detector('metric', { agg: 'avg', above: 500 });
      expect(feed(d, [num(0, 400), num(100, 600)])).to.deep.equal([]); // avg 500
      const fired = feed(d, [num(200, 800)]);
      expect(fired.map(brief)).to.deep.equal([{ firing: true, count: 3, value: 600, windowStart: -799, windowEnd: 201, at: 200 }]);
      expect(fired[0].reference).to.equal(500);
    });

    it('p95 is the value at rank ceil(0.95 n): of 10, 20, ... 190 (19 values) it is 190, of 18 values 180', () => {
      const d = detector('metric', { agg: 'p95', above: 185 });
      const ev: Array<[number, number[]]> = [];
      for (let i = 1; i <= 18; i++) ev.push(num(i, i * 10));
      expect(feed(d, ev)).to.deep.equal([]); // rank ceil(17.1) = 18: 180
      expect(feed(d, [num(19, 190)]).map((c) => [c.count, c.value])).to.deep.equal([[19, 190]]);
      const p50 = detector('metric', { agg: 'p50', below: 2.5 });
      expect(feed(p50, [num(0, 4), num(1, 3), num(2, 1)])).to.deep.equal([]); // 1 3 4: rank 2 is 3
      expect(feed(p50, [num(3, 2)]).map((c) => c.value)).to.deep.equal([2]); // 1 2 3 4: rank 2
      // 1..100: at n values p99 is ceil(0.99 n); min_count 100 decides only the window with all of them
      const p99 = detector('metric', { agg: 'p99', above: 98 }, { minCount: 100 });
      const hundred: Array<[number, number[]]> = [];
      for (let i = 1; i <= 100; i++) hundred.push(num(i, i));
      expect(feed(p99, hundred).map((c) => [c.count, c.value])).to.deep.equal([[100, 99]]);
    });

    it('min, max and sum; min_count holds back a window with too few values', () => {
      const low = detector('metric', { agg: 'min', below: 10 });
      expect(feed(low, [num(0, 50), num(1, 20)])).to.deep.equal([]);
      expect(feed(low, [num(2, 5)]).map((c) => c.value)).to.deep.equal([5]);
      const high = detector('metric', { agg: 'max', above: 90 });
      expect(feed(high, [num(0, 50), num(1, 90)])).to.deep.equal([]);
      expect(feed(high, [num(2, 91)]).map((c) => c.value)).to.deep.equal([91]);
      const sum = detector('metric', { agg: 'sum', above: 100 }, { minCount: 3 });
      expect(feed(sum, [num(0, 60), num(1, 50)])).to.deep.equal([]); // 110, but 2 values
      expect(feed(sum, [num(2, 1)]).map((c) => [c.count, c.value])).to.deep.equal([[3, 111]]);
    });

    it('window edges: values exactly a window apart are never in one window', () => {
      const apart = detector('metric', { agg: 'sum', above: 900 });
      expect(feed(apart, [num(0, 900), num(1000, 100)])).to.deep.equal([]);
      const inside = detector('metric', { agg: 'sum', above: 900 });
      expect(feed(inside, [num(0, 900), num(999, 100)]).map(brief)).to.deep.equal([{ firing: true, count: 2, value: 1000, windowStart: 0, windowEnd: 1000, at: 999 }]);
    });

    it('fires at an advance when values leaving the window lift the aggregate, and resolves after a whole window without', () => {
      const d = detector('metric', { agg: 'avg', above: 500 });
      expect(feed(d, [num(0, 100), num(600, 900)])).to.deep.equal([]); // avg 500
      expect(d.advance(1000)).to.deep.equal([]); // [0, 1000): still 100 and 900
      expect(d.advance(1001).map(brief)).to.deep.equal([{ firing: true, count: 1, value: 900, windowStart: 1, windowEnd: 1001, at: 1001 }]);
      expect(d.advance(1600)).to.deep.equal([]); // [600, 1600) holds the 900
      // [601, 1601) has no value: the condition no longer holds
      expect(d.advance(1601).map(brief)).to.deep.equal([{ firing: false, count: 0, value: undefined, windowStart: 601, windowEnd: 1601, at: 1601 }]);
    });

    it('late values within the lateness count in their own time; beyond it they are refused', () => {
      const d = detector('metric', { agg: 'max', above: 100 }, { allowedLatenessMs: 2000 });
      feed(d, [num(5000, 10)]);
      expect(feed(d, [num(4200, 500)]).map(brief)).to.deep.equal([{ firing: true, count: 2, value: 500, windowStart: 4001, windowEnd: 5001, at: 4200 }]);
      const e = detector('metric', { agg: 'max', above: 100 }, { allowedLatenessMs: 2000 });
      feed(e, [num(10_000, 10)]);
      expect(feed(e, [num(6999, 500)])).to.deep.equal([]);
      expect(e.stats().late).to.equal(1);
      expect(e.advance(7500)).to.deep.equal([]); // [6500, 7500) does not hold the refused value
    });

    it('past exact_limit values, the order is kept in logarithmic buckets (1% relative error), exact again below half', () => {
      const ev: Array<[number, number[]]> = [];
      for (let i = 1; i <= 100; i++) ev.push(num(i, i));
      const window = detector('metric', { agg: 'p95', above: 0, exactLimit: 10 }, { minCount: 100 });
      const [q] = feed(window, ev);
      expect(q.count).to.equal(100);
      expect(Math.abs(q.value! - 95) / 95).to.be.at.most(0.01);
      expect(q.value).to.not.equal(95); // from the buckets, not exact
      expect(window.advance(101)).to.deep.equal([]); // [-899, 101): the 100 values, in buckets too
      // 1 leaves at 1002: [2, 1002) holds 99 values, below min_count (p95 of 2..100: 96, from the buckets)
      const ended = window.advance(1096);
      expect(ended.map((x) => [x.firing, x.count, x.at])).to.deep.equal([[false, 99, 1002]]);
      expect(Math.abs(ended[0].value! - 96) / 96).to.be.at.most(0.01);
      // once 5 values are left (half the limit) a window is exact again: 96..100, rank ceil(4.75) = 5
      const log = new EventLog<number>();
      const w = new SlidingWindow(log, new MetricValues('p95', 10, true));
      for (let i = 1; i <= 100; i++) log.add(i, i);
      w.moveTo(0, 101);
      w.moveTo(96, 1096);
      expect((w.acc as MetricValues).value()).to.equal(100);
    });

    it('a window measured at advances merges its values in when measured, to the same order as one kept sorted', () => {
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 50;
      for (const agg of ['min', 'max', 'p50', 'p95'] as const) {
        const eager = new MetricValues(agg, 1000);
        const lazy = new MetricValues(agg, 1000, true);
        const held: number[] = [];
        for (let step = 0; step < 400; step++) {
          if (held.length > 0 && next() < 20) {
            const v = held.splice(next() % held.length, 1)[0];
            eager.remove(v, 1);
            lazy.remove(v, 1);
          } else {
            const v = next() - 10;
            const n = 1 + (next() % 3);
            for (let k = 0; k < n; k++) held.push(v);
            eager.add(v, n);
            lazy.add(v, n);
          }
          if (step % 7 === 0) expect(lazy.value(), `${agg} at step ${step}`).to.equal(eager.value());
        }
        expect(lazy.value()).to.equal(eager.value());
      }
    });

    it('logarithmic buckets: every rank within 1% of the exact value, negative and zero values in order', () => {
      const b = new LogBuckets();
      const values = [-250, -3, 0, 0.5, 1, 7, 42, 1000, 123_456];
      for (const v of values) b.add(v);
      values.forEach((v, i) => {
        const got = b.atRank(i + 1)!;
        if (v === 0) expect(got).to.equal(0);
        else expect(Math.abs(got - v) / Math.abs(v), `rank ${i + 1}`).to.be.at.most(0.01);
      });
      b.remove(1000);
      expect(b.count).to.equal(8);
      expect(Math.abs(b.atRank(8)! - 123_456) / 123_456).to.be.at.most(0.01);
      expect(b.atRank(9)).to.equal(undefined);
    });
  });

  describe('when a change is dated, whatever the steps event time moves in', () => {
    it('ratio: resolves at the window end the fraction fell, not at the watermark that decided it', () => {
      const make = () => {
        const d = detector('ratio', {}, { threshold: 0.5, minCount: 2 });
        // 2 of 2 at 100 (fires); 2 of 4 at 300 still holds (at the threshold); 2 of 5 at 400 does not
        expect(feed(d, [base(0, true), base(100, true)]).map((c) => [c.firing, c.at])).to.deep.equal([[true, 100]]);
        expect(feed(d, [base(200, false), base(300, false), base(400, false)])).to.deep.equal([]);
        return d;
      };
      // 400 enters at 401: [-599, 401) holds 5 base events, 2 matching
      const resolved = { firing: false, count: 5, value: 0.4, windowStart: -599, windowEnd: 401, at: 401 };
      expect(make().advance(5000).map(brief)).to.deep.equal([resolved]);
      const steps = make();
      expect(steps.advance(350)).to.deep.equal([]); // [-650, 350): 2 of 4
      expect(steps.advance(450).map(brief)).to.deep.equal([resolved]);
      expect(steps.advance(5000)).to.deep.equal([]);
    });

    it('metric: resolves at the window end the average fell below, in one step or in many', () => {
      const make = () => {
        const d = detector('metric', { agg: 'avg', above: 10 });
        expect(feed(d, [num(0, 20)]).map((c) => [c.firing, c.value])).to.deep.equal([[true, 20]]);
        expect(feed(d, [num(500, 5), num(600, 1)])).to.deep.equal([]); // avg 12.5, then 26 / 3
        return d;
      };
      // [-399, 601) holds 20, 5 and 1: avg 8.67, the first whole window not above 10
      const resolved = { firing: false, count: 3, value: 26 / 3, windowStart: -399, windowEnd: 601, at: 601 };
      expect(make().advance(3000).map(brief)).to.deep.equal([resolved]);
      const ticks = make();
      const got: Condition[] = [];
      for (let w = 100; w <= 3000; w += 100) got.push(...ticks.advance(w)); // a daemon's ticks
      expect(got.map(brief)).to.deep.equal([resolved]);
    });

    it('cardinality: fires on an advance at the end where the window first held max, not at the watermark', () => {
      const d = detector('cardinality', { max: 2 }, { allowedLatenessMs: 5000 });
      feed(d, [user(3000, 'alice')]);
      // late events, admitted: bob at 1000 and carol at 1200 are in no window ending at the newest event
      expect(feed(d, [user(1000, 'bob'), user(1200, 'carol')])).to.deep.equal([]);
      // both decided at 2500, neither seen at that watermark ([1500, 2500) is empty): [201, 1201) holds
      // bob and carol; bob leaves at 2001, [1001, 2001) holds carol alone
      expect(d.advance(2500).map(brief)).to.deep.equal([
        { firing: true, count: 2, value: 2, windowStart: 201, windowEnd: 1201, at: 1201 },
        { firing: false, count: 1, value: 1, windowStart: 1001, windowEnd: 2001, at: 2001 },
      ]);
      expect(d.firing()).to.deep.equal([]);
      expect(d.advance(2600)).to.deep.equal([]);
    });
  });

  describe('ratio', () => {
    it('fires when the fraction of base events matching where reaches threshold with min_count base events', () => {
      const d = detector('ratio', {}, { threshold: 0.25, minCount: 4 });
      expect(feed(d, [base(0, true), base(100, false), base(200, false)])).to.deep.equal([]); // 1/3, but 3 base events
      const fired = feed(d, [base(300, false)]);
      expect(fired.map(brief)).to.deep.equal([{ firing: true, count: 4, value: 0.25, windowStart: -699, windowEnd: 301, at: 300 }]);
      expect(fired[0].reference).to.equal(0.25);
    });

    it('compares the fraction as written: 7 of 100 reaches 0.07 (7.000000000000001 would not)', () => {
      const d = detector('ratio', {}, { threshold: 0.07, minCount: 100 });
      const ev: Array<[number, boolean]> = [];
      for (let i = 0; i < 100; i++) ev.push(base(i, i < 7));
      expect(feed(d, ev).map((c) => [c.count, c.value])).to.deep.equal([[100, 0.07]]);
    });

    it('window edges, a fraction that rises as base events leave, and resolving', () => {
      const d = detector('ratio', {}, { threshold: 0.5, minCount: 2 });
      // 0: miss, 999: match: [0, 1000) 1 of 2
      expect(feed(d, [base(0, false)])).to.deep.equal([]);
      expect(feed(d, [base(999, true)]).map((c) => [c.count, c.value])).to.deep.equal([[2, 0.5]]);
      const e = detector('ratio', {}, { threshold: 0.5, minCount: 2 });
      // 0 and 1000 are never in one window
      expect(feed(e, [base(0, true), base(1000, false), base(1001, false)])).to.deep.equal([]);
      // [2, 1002) after 0 left: 1000, 1001 and a match at 1002 — 1 of 3: no; two more matches: 3 of 5
      expect(feed(e, [base(1002, true)])).to.deep.equal([]);
      expect(feed(e, [base(1003, true)]).map((c) => [c.count, c.value])).to.deep.equal([[4, 0.5]]);
      expect(e.advance(2002)).to.deep.equal([]); // [1002, 2002): the matches at 1002 and 1003, 2 of 2
      // [1003, 2003): 1 of 1, fewer base events than min_count
      expect(e.advance(2003).map((c) => [c.firing, c.count, c.value])).to.deep.equal([[false, 1, 1]]);
    });

    it('late base events count in their own time; beyond the lateness they are refused', () => {
      const d = detector('ratio', {}, { threshold: 0.5, minCount: 2, allowedLatenessMs: 2000 });
      feed(d, [base(5000, false)]);
      expect(feed(d, [base(4500, true)]).map(brief)).to.deep.equal([{ firing: true, count: 2, value: 0.5, windowStart: 4001, windowEnd: 5001, at: 4500 }]);
      const e = detector('ratio', {}, { threshold: 0.5, minCount: 2, allowedLatenessMs: 2000 });
      feed(e, [base(10_000, false), base(9000, false)]);
      expect(feed(e, [base(6999, true), base(6999, true)])).to.deep.equal([]);
      expect(e.stats().late).to.equal(2);
    });
  });

  describe('snapshot and restore', () => {
    const scenarios: Array<{ name: string; make: () => Detector; events: Array<[number, unknown]>; advances: number[] }> = [
      {
        name: 'cardinality (exact)',
        make: () => detector('cardinality', { max: 4 }, { allowedLatenessMs: 500 }),
        events: [user(0, 'a'), user(300, 'b'), user(200, 'c'), user(900, 'a'), user(1200, 'd'), user(1250, 'e'), user(1100, 'f')],
        advances: [700, 1400, 2600, 4000],
      },
      {
        name: 'cardinality (sketch)',
        make: () => detector('cardinality', { max: 150, exactLimit: 20 }),
        events: Array.from({ length: 400 }, (_, i) => user(i * 3, `u${i % 200}`)),
        advances: [300, 700, 1200, 2500],
      },
      {
        name: 'metric',
        make: () => detector('metric', { agg: 'p95', above: 80, exactLimit: 8 }, { allowedLatenessMs: 300 }),
        events: Array.from({ length: 40 }, (_, i) => num(i * 50 - (i % 3) * 60, (i * 37) % 101)),
        advances: [500, 1100, 1800, 2600, 4000],
      },
      {
        name: 'ratio',
        make: () => detector('ratio', {}, { threshold: 0.3, minCount: 3 }),
        events: Array.from({ length: 30 }, (_, i) => base(i * 100, i % 3 === 0 || (i > 12 && i < 18))),
        advances: [900, 1500, 2200, 3100, 5000],
      },
    ];

    for (const s of scenarios) {
      it(`${s.name}: a detector restored from the JSON snapshot at any point goes on as the one that ran through`, () => {
        // the run: each event, and after every 5th an advance to the next watermark
        type Step = { ev: [number, unknown] } | { wm: number };
        const steps: Step[] = [];
        const wms = [...s.advances];
        for (const ev of s.events) {
          while (wms.length > 0 && wms[0] <= ev[0]) steps.push({ wm: wms.shift()! });
          steps.push({ ev });
        }
        for (const wm of wms) steps.push({ wm });
        const run = (d: Detector, from: number) => steps.slice(from).map((st) => asJson('ev' in st ? d.observe(st.ev[0], G, GV, st.ev[1]) : d.advance(st.wm)));
        const whole = run(s.make(), 0);
        expect(whole.flat(), 'the run changes something').to.not.deep.equal([]);
        for (let cut = 1; cut < steps.length; cut++) {
          const d = s.make();
          const first = s.make();
          steps.slice(0, cut).forEach((st) => ('ev' in st ? first.observe(st.ev[0], G, GV, st.ev[1]) : first.advance(st.wm)));
          d.restore(asJson(first.snapshot()));
          expect(asJson(d.firing()), `firing after restore at step ${cut}`).to.deep.equal(asJson(first.firing()));
          expect(run(d, cut), `restored at step ${cut}`).to.deep.equal(whole.slice(cut));
        }
      });
    }

    it('refuses a snapshot of another type, and a bad one', () => {
      const d = detector('ratio', {}, { threshold: 0.5 });
      expect(() => d.restore(asJson(detector('metric', { agg: 'avg', above: 1 }).snapshot()))).to.throw(/metric given to a ratio/);
      const m = detector('metric', { agg: 'avg', above: 1 });
      m.observe(0, G, GV, [5]);
      const snap = asJson(m.snapshot()) as { groups: { groups: Array<{ state: { store: { v: unknown[] } } }> } };
      snap.groups.groups[0].state.store.v[0] = 'five';
      expect(() => detector('metric', { agg: 'avg', above: 1 }).restore(snap)).to.throw(/bad detector snapshot/);
    });
  });
});
