import { expect } from 'chai';
import { createDetector } from '../../rules/detectors/create';
import type { Condition, Detector, DetectorConfig } from '../../rules/detectors/types';
import { TimeCounts } from '../../rules/detectors/time-counts';

/** a detector with small, hand-checkable numbers: 1 s windows, 4 s baseline, no lateness unless asked */
function detector(over: Partial<DetectorConfig> & Pick<DetectorConfig, 'type'>): Detector {
  return createDetector({
    windowMs: 1000,
    threshold: 3,
    baselineMs: 4000,
    ratio: 3,
    minCount: 5,
    direction: 'up',
    allowedLatenessMs: 0,
    maxGroups: 100,
    groupTtlMs: 1_000_000,
    ...over,
  });
}

const G = '["a"]';
const GV = { host: 'a' };

/** feeds events of group G and returns every condition they produced */
function feed(d: Detector, times: number[], group = G, values: Record<string, unknown> = GV): Condition[] {
  const out: Condition[] = [];
  for (const t of times) out.push(...d.observe(t, group, values));
  return out;
}

/** the parts of a condition the tests check */
const brief = (c: Condition) => ({ group: c.group, firing: c.firing, count: c.count, windowStart: c.windowStart, windowEnd: c.windowEnd, at: c.at });

describe('detectors', () => {
  describe('threshold', () => {
    it('fires when the count reaches the threshold exactly, not one below', () => {
      const d = detector({ type: 'threshold', threshold: 3 });
      expect(feed(d, [0, 500])).to.deep.equal([]);
      expect(d.firing()).to.deep.equal([]);
      const fired = feed(d, [999]);
      expect(fired.map(brief)).to.deep.equal([{ group: G, firing: true, count: 3, windowStart: 0, windowEnd: 1000, at: 999 }]);
      expect(fired[0].reference).to.equal(3);
      expect(fired[0].groupValues).to.deep.equal(GV);
      // already firing: further events change nothing
      expect(feed(d, [999, 999])).to.deep.equal([]);
      expect(d.firing().map((c) => c.group)).to.deep.equal([G]);
    });

    it('t and t + window are not in one window; t and t + window − 1 are', () => {
      const apart = detector({ type: 'threshold', threshold: 2 });
      expect(feed(apart, [0, 1000])).to.deep.equal([]);
      const inside = detector({ type: 'threshold', threshold: 2 });
      expect(feed(inside, [0, 999]).map(brief)).to.deep.equal([{ group: G, firing: true, count: 2, windowStart: 0, windowEnd: 1000, at: 999 }]);
      // 0, 500, 1000: every span holds 2; the event at 1499 makes [500, 1500) hold 3
      const three = detector({ type: 'threshold', threshold: 3 });
      expect(feed(three, [0, 500, 1000])).to.deep.equal([]);
      expect(feed(three, [1499]).map(brief)).to.deep.equal([{ group: G, firing: true, count: 3, windowStart: 500, windowEnd: 1500, at: 1499 }]);
    });

    it('counts out-of-order events within the allowed lateness in their own time', () => {
      const d = detector({ type: 'threshold', threshold: 3, allowedLatenessMs: 2000 });
      expect(feed(d, [5000, 5500])).to.deep.equal([]);
      // 4600 is behind the newest (5500) but not by more than lateness + window (3000): its span [4600, 5600) holds 3
      expect(feed(d, [4600]).map(brief)).to.deep.equal([{ group: G, firing: true, count: 3, windowStart: 4600, windowEnd: 5600, at: 4600 }]);
      expect(d.stats().late).to.equal(0);
      // the engine's watermark trails the newest event by the lateness: the alert must not end on the
      // empty window [2500, 3500) that lies before the events
      expect(d.advance(3500)).to.deep.equal([]);
      expect(d.advance(5600)).to.deep.equal([]); // [4600, 5600) holds 3
      expect(d.advance(5601).map((c) => [c.firing, c.count])).to.deep.equal([[false, 2]]);
    });

    it('ignores events beyond the allowed lateness and counts them as late', () => {
      const d = detector({ type: 'threshold', threshold: 2, allowedLatenessMs: 2000 });
      expect(feed(d, [10000])).to.deep.equal([]);
      // oldest admitted = 10000 − 2000 − 1000 = 7000
      expect(feed(d, [6999, 6999, 6500])).to.deep.equal([]);
      expect(d.stats().late).to.equal(3);
      // 7000 is still admitted: with 7500 the span [7000, 8000) holds 2 (the late 6999s are not in it and were not counted)
      expect(feed(d, [7000])).to.deep.equal([]);
      expect(feed(d, [7500]).map(brief)).to.deep.equal([{ group: G, firing: true, count: 2, windowStart: 7000, windowEnd: 8000, at: 7500 }]);
      expect(d.stats().late).to.equal(3);
    });

    it('a late event does not count: the span it would complete stays below the threshold', () => {
      const d = detector({ type: 'threshold', threshold: 2, allowedLatenessMs: 0 });
      feed(d, [5000, 6500]);
      // 4500 is older than 6500 − 0 − 1000: late, so [4500, 5500) never holds 4500 and 5000 together
      expect(feed(d, [4500])).to.deep.equal([]);
      expect(d.stats().late).to.equal(1);
      expect(d.firing()).to.deep.equal([]);
    });

    it('resolves only after a whole window below the threshold', () => {
      const d = detector({ type: 'threshold', threshold: 3 });
      feed(d, [0, 500, 999]);
      expect(d.advance(999)).to.deep.equal([]); // the watermark has not passed the span [0, 1000) yet
      expect(d.advance(1000)).to.deep.equal([]); // [0, 1000) still holds 3
      expect(d.firing()).to.have.length(1);
      const resolved = d.advance(1001); // [1, 1001) holds 2
      expect(resolved.map(brief)).to.deep.equal([{ group: G, firing: false, count: 2, windowStart: 1, windowEnd: 1001, at: 1001 }]);
      expect(d.firing()).to.deep.equal([]);
      expect(d.advance(5000)).to.deep.equal([]); // resolved once
    });

    it('resolves at the window end where the condition ended, however far the watermark has gone', () => {
      const d = detector({ type: 'threshold', threshold: 3 });
      feed(d, [0, 500, 999]);
      // [0, 1000) reached 3; at 1001 the event at 0 has left the window [1, 1001): 2 events
      expect(d.advance(50_000).map(brief)).to.deep.equal([{ group: G, firing: false, count: 2, windowStart: 1, windowEnd: 1001, at: 1001 }]);
    });

    it('a burst after a quiet window, before the next advance, is a new alert', () => {
      const d = detector({ type: 'threshold', threshold: 3 });
      expect(feed(d, [0, 500, 999]).map((c) => [c.firing, c.at])).to.deep.equal([[true, 999]]);
      // no advance in between: the event at 5000 first ends the alert where its windows went quiet
      expect(feed(d, [5000, 5001, 5002]).map((c) => [c.firing, c.count, c.at])).to.deep.equal([[false, 2, 1001], [true, 3, 5002]]);
    });

    it('keeps firing while events keep the window at the threshold', () => {
      const d = detector({ type: 'threshold', threshold: 3 });
      feed(d, [0, 400, 800]);
      feed(d, [1200, 1600, 2000]);
      expect(d.advance(1900)).to.deep.equal([]); // [900, 1900) holds only 2, but the span that fired last is [1200, 2200)
      // the span [1200, 2200) reached 3 with the event at 2000, so the alert cannot end before 2200
      expect(d.advance(2199)).to.deep.equal([]);
      expect(d.advance(2201).map(brief)).to.deep.equal([{ group: G, firing: false, count: 2, windowStart: 1201, windowEnd: 2201, at: 2201 }]);
    });

    it('a forgotten group (ttl) that was firing ends its alert', () => {
      const d = detector({ type: 'threshold', threshold: 1, groupTtlMs: 500 });
      expect(feed(d, [0])).to.have.length(1);
      expect(d.advance(499)).to.deep.equal([]);
      const ended = d.advance(500);
      expect(ended.map((c) => [c.group, c.firing, c.at])).to.deep.equal([[G, false, 500]]);
      expect(d.stats().groups).to.equal(0);
      expect(d.firing()).to.deep.equal([]);
    });

    it('caps the number of groups and counts what it drops', () => {
      const d = detector({ type: 'threshold', threshold: 2, maxGroups: 2, groupTtlMs: 5000 });
      d.observe(0, 'a', {});
      d.observe(10, 'b', {});
      d.observe(20, 'c', {});
      d.observe(30, 'c', {});
      d.observe(40, 'd', {});
      expect(d.stats()).to.deep.equal({ groups: 2, groupsDropped: 3, late: 0 });
      // the dropped group did not fire although it had 2 events within a window
      expect(d.firing()).to.deep.equal([]);
      // groups idle for the ttl are forgotten on advance, which makes room again
      d.observe(3000, 'b', {});
      d.advance(5000); // a (last 0) goes, b (last 3000) stays
      expect(d.stats().groups).to.equal(1);
      d.observe(5000, 'e', {});
      expect(d.stats()).to.deep.equal({ groups: 2, groupsDropped: 3, late: 0 });
      d.advance(8000); // b goes (8000 − 3000 >= 5000); e stays
      expect(d.stats().groups).to.equal(1);
    });

    it('a burst of 1,000,000 events at one millisecond is fast and stays small', () => {
      const d = detector({ type: 'threshold', threshold: 20, windowMs: 60_000 });
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();
      let fired = 0;
      let firedAt = -1;
      for (let i = 0; i < 1_000_000; i++) {
        const c = d.observe(1_000, G, GV);
        if (c.length) {
          fired += c.length;
          firedAt = i;
        }
      }
      const elapsed = Date.now() - started;
      expect(fired).to.equal(1);
      expect(firedAt).to.equal(19); // the 20th event
      expect(elapsed).to.be.below(3000);
      // one entry (time, count) holds the whole burst
      const snap = JSON.stringify(d.snapshot());
      expect(snap.length).to.be.below(1000);
      expect(snap).to.contain('1000000');
      expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(50 * 1024 * 1024);
      // and it still resolves a whole window later
      expect(d.advance(61_000)).to.deep.equal([]); // [1000, 61000) holds the burst
      expect(d.advance(61_001).map((c) => [c.firing, c.count])).to.deep.equal([[false, 0]]);
    });

    it('keeps per-group storage bounded: old event times are pruned on advance', () => {
      const d = detector({ type: 'threshold', threshold: 1_000_000, windowMs: 1000 });
      for (let t = 0; t < 100_000; t++) {
        d.observe(t, G, GV);
        if (t % 1000 === 999) d.advance(t + 1);
      }
      const snap = d.snapshot() as { groups: { groups: { state: { counts: { t: number[] } } }[] } };
      const kept = snap.groups.groups[0].state.counts.t;
      // watermark 100000, lateness 0: windows reach back to 99000 and spans of the oldest admitted event to 98000
      expect(kept.length).to.be.at.most(3000);
      expect(kept[kept.length - 1]).to.equal(99_999);
      expect(kept[0]).to.be.at.least(97_000);
    });
  });

  describe('pattern', () => {
    it('fires on every event and resolves after a window of event time without a match', () => {
      const d = detector({ type: 'pattern', windowMs: 1000 });
      expect(feed(d, [100]).map(brief)).to.deep.equal([{ group: G, firing: true, count: 1, windowStart: 100, windowEnd: 1100, at: 100 }]);
      expect(feed(d, [600]).map(brief)).to.deep.equal([{ group: G, firing: true, count: 1, windowStart: 600, windowEnd: 1600, at: 600 }]);
      expect(d.firing().map((c) => [c.group, c.windowStart])).to.deep.equal([[G, 600]]);
      expect(d.advance(1100)).to.deep.equal([]); // the match at 600 still holds
      expect(d.advance(1600)).to.deep.equal([]); // (600, 1600] is not yet a whole window without a match
      expect(d.advance(1601).map(brief)).to.deep.equal([{ group: G, firing: false, count: 0, windowStart: 601, windowEnd: 1601, at: 1601 }]);
      expect(d.firing()).to.deep.equal([]);
      expect(d.advance(3000)).to.deep.equal([]);
      // a new match fires again
      expect(feed(d, [3000])).to.have.length(1);
    });

    it('resolves at the end of the first window without a match, also when a match ends it before the watermark', () => {
      const d = detector({ type: 'pattern', windowMs: 1000 });
      feed(d, [100]);
      expect(d.advance(9000).map((c) => [c.firing, c.count, c.windowStart, c.at])).to.deep.equal([[false, 0, 101, 1101]]);
      feed(d, [10_000]);
      // no advance in between: the next match ends the episode first (at 10000 + 1000 + 1), then fires
      expect(feed(d, [12_000]).map((c) => [c.firing, c.at])).to.deep.equal([[false, 11_001], [true, 12_000]]);
    });

    it('counts events beyond the allowed lateness as late and does not fire on them', () => {
      const d = detector({ type: 'pattern', windowMs: 1000, allowedLatenessMs: 500 });
      feed(d, [10_000]);
      expect(feed(d, [8_499])).to.deep.equal([]); // older than 10000 − 500 − 1000
      expect(feed(d, [8_500])).to.have.length(1);
      expect(d.stats().late).to.equal(1);
    });
  });

  describe('spike', () => {
    // history starts with an event at 0; eight baseline events in [1000, 4000): 2 per window on average
    const base = [0, 1000, 1500, 2000, 2500, 3000, 3500, 3900, 3950];

    it('up: fires at ratio × baseline average, not one event below', () => {
      const d = detector({ type: 'spike', ratio: 3, minCount: 1 });
      expect(feed(d, base)).to.deep.equal([]);
      // window [4001 + k, 5001 + k), baseline [1 + k, 4001 + k) holds 8: average 2, so 6 events are needed
      expect(feed(d, [5000, 5001, 5002, 5003, 5004])).to.deep.equal([]);
      const fired = feed(d, [5005]);
      expect(fired.map(brief)).to.deep.equal([{ group: G, firing: true, count: 6, windowStart: 4006, windowEnd: 5006, at: 5005 }]);
      expect(fired[0].reference).to.equal(2);
    });

    it('up: a zero baseline fires at min_count, not one below; then resolves when the window empties', () => {
      const d = detector({ type: 'spike', ratio: 3, minCount: 5 });
      feed(d, [0]);
      expect(feed(d, [10_000, 10_001, 10_002, 10_003])).to.deep.equal([]);
      const fired = feed(d, [10_004]);
      expect(fired.map(brief)).to.deep.equal([{ group: G, firing: true, count: 5, windowStart: 9005, windowEnd: 10_005, at: 10_004 }]);
      expect(fired[0].reference).to.equal(0);
      expect(d.advance(10_005)).to.deep.equal([]); // [9005, 10005) still holds the spike
      expect(d.advance(11_000)).to.deep.equal([]); // [10000, 11000) still holds 5
      const resolved = d.advance(11_001); // [10001, 11001) holds 4 < min_count
      expect(resolved.map(brief)).to.deep.equal([{ group: G, firing: false, count: 4, windowStart: 10_001, windowEnd: 11_001, at: 11_001 }]);
      expect(d.firing()).to.deep.equal([]);
    });

    it('up: does not end while the watermark trails the spike by the allowed lateness', () => {
      const d = detector({ type: 'spike', ratio: 3, minCount: 5, allowedLatenessMs: 2000 });
      feed(d, [0, 10_000, 10_001, 10_002, 10_003]);
      expect(feed(d, [10_004])).to.have.length(1);
      expect(d.advance(8004)).to.deep.equal([]); // newest − lateness: [7004, 8004) is empty, but lies before the spike
      expect(d.firing()).to.have.length(1);
      expect(d.advance(11_001).map((c) => [c.firing, c.count])).to.deep.equal([[false, 4]]);
    });

    it('does not fire before the group has a whole baseline of history', () => {
      const times = Array.from({ length: 100 }, (_, i) => 10_000 + i);
      const young = detector({ type: 'spike', ratio: 3, minCount: 5 });
      // first event at 10000: a window ending at 10100 would need history from 10100 − 5000
      expect(feed(young, times)).to.deep.equal([]);
      expect(young.advance(10_100)).to.deep.equal([]);
      // the same events with history since 5000 (one event then, outside every baseline used) fire at the 5th
      const old = detector({ type: 'spike', ratio: 3, minCount: 5 });
      feed(old, [5000]);
      expect(feed(old, times).map((c) => [c.count, c.at, c.reference])).to.deep.equal([[5, 10_004, 0]]);
    });

    it('down: fires on advance when the window drops to baseline / ratio, not above', () => {
      const steady = Array.from({ length: 20 }, (_, i) => i * 250); // 4 per window over [0, 5000)
      const make = () => {
        const d = detector({ type: 'spike', direction: 'down', ratio: 2, minCount: 2 });
        expect(feed(d, steady)).to.deep.equal([]);
        return d;
      };
      const two = make();
      expect(feed(two, [5000, 5500])).to.deep.equal([]); // drops are never decided on events
      // decided at the first window end where it holds, not at the watermark: at 5751 the event at 4750
      // leaves the window [4751, 5751), which holds 2 (5000, 5500); the baseline [751, 4751) holds 16
      // (1000 … 4750): average 4, and 2 <= 4 / 2. (At 5750 the window still held 3.)
      const fired = two.advance(6000);
      expect(fired.map(brief)).to.deep.equal([{ group: G, firing: true, count: 2, windowStart: 4751, windowEnd: 5751, at: 5751 }]);
      expect(fired[0].reference).to.equal(4);
      // recovery, at the first window end where it is no longer a drop: at 6251 the window [5251, 6251)
      // holds 3 (5500, 6000, 6250) against a baseline [1251, 5251) of 15 (1500 … 4750, 5000): average
      // 3.75, and 3 > 3.75 / 2. (At 6001 it still held 2 against 16.)
      feed(two, [6000, 6250, 6500, 6750]);
      expect(two.advance(7000).map((c) => [c.firing, c.count, c.reference, c.at])).to.deep.equal([[false, 3, 3.75, 6251]]);

      const three = make();
      feed(three, [5000, 5300, 5600]);
      expect(three.advance(6000)).to.deep.equal([]); // 3 > 4 / 2
    });

    it('down: needs a baseline average of at least min_count', () => {
      const d = detector({ type: 'spike', direction: 'down', ratio: 2, minCount: 5 });
      feed(d, Array.from({ length: 20 }, (_, i) => i * 250)); // average 4 < 5
      expect(d.advance(6000)).to.deep.equal([]);
    });

    it('snapshot/restore in the middle of a spike: the spike still fires after the restart', () => {
      const cfg = { type: 'spike' as const, ratio: 3, minCount: 1, allowedLatenessMs: 500 };
      const before = detector(cfg);
      feed(before, base);
      before.advance(4500);
      feed(before, [5000, 5001, 5002]);
      const saved = JSON.parse(JSON.stringify(before.snapshot()));

      const after = detector(cfg);
      after.restore(saved);
      expect(after.stats()).to.deep.equal(before.stats());
      expect(after.snapshot()).to.deep.equal(before.snapshot());
      expect(feed(after, [5003, 5004])).to.deep.equal([]);
      const fired = feed(after, [5005]);
      expect(fired.map((c) => [c.firing, c.count, c.reference])).to.deep.equal([[true, 6, 2]]);

      // and it behaves exactly like a detector that never stopped
      const steady = detector(cfg);
      feed(steady, base);
      steady.advance(4500);
      expect(feed(steady, [5000, 5001, 5002, 5003, 5004, 5005])).to.deep.equal(fired);
      // a snapshot taken while firing keeps the alert, and the restored detector ends it the same way
      const firingCopy = detector(cfg);
      firingCopy.restore(JSON.parse(JSON.stringify(after.snapshot())));
      expect(firingCopy.firing()).to.deep.equal(fired);
      expect(after.advance(7000)).to.deep.equal(steady.advance(7000));
      expect(after.snapshot()).to.deep.equal(steady.snapshot());
      // it ends where the spike stopped holding, not at the watermark: at 6001 the event at 5000 leaves
      // the window [5001, 6001) (5 events) for the baseline [1001, 5001) (8: average 2), and 5 < 3 × 2
      const ended = firingCopy.advance(7000);
      expect(ended.map((c) => [c.firing, c.count, c.at, c.reference])).to.deep.equal([[false, 5, 6001, 2]]);
      expect(firingCopy.firing()).to.deep.equal([]);
    });

    it('refuses a snapshot of another detector type', () => {
      const t = detector({ type: 'threshold' });
      const s = detector({ type: 'spike' });
      expect(() => s.restore(t.snapshot())).to.throw(/threshold/);
    });
  });

  describe('flatline', () => {
    it('fires when a known group goes quiet, and a group that disappears is forgotten after the ttl', () => {
      const d = detector({ type: 'flatline', threshold: 1, groupTtlMs: 5000 });
      expect(feed(d, [0, 500, 1200])).to.deep.equal([]);
      expect(d.advance(1000)).to.deep.equal([]); // [0, 1000) holds 2
      expect(d.advance(2200)).to.deep.equal([]); // [1200, 2200) holds the event at 1200
      const fired = d.advance(2201); // [1201, 2201) is empty
      expect(fired.map(brief)).to.deep.equal([{ group: G, firing: true, count: 0, windowStart: 1201, windowEnd: 2201, at: 2201 }]);
      expect(fired[0].reference).to.equal(1);
      expect(d.advance(3000)).to.deep.equal([]); // still firing, not a change
      expect(d.firing()).to.have.length(1);
      expect(d.advance(6199)).to.deep.equal([]); // 4999 ms since the last event
      const gone = d.advance(6200);
      expect(gone.map((c) => [c.group, c.firing, c.at])).to.deep.equal([[G, false, 6200]]);
      expect(d.stats().groups).to.equal(0);
      expect(d.firing()).to.deep.equal([]);
      expect(d.advance(7000)).to.deep.equal([]); // returned once
    });

    it('waits until a group has existed for a whole window, and resolves on the event that fills a window again', () => {
      const d = detector({ type: 'flatline', threshold: 2 });
      feed(d, [900]);
      expect(d.advance(1000)).to.deep.equal([]); // [0, 1000) holds 1 < 2, but the group is 100 ms old
      const fired = d.advance(1900); // first seen at 900 = 1900 − window
      expect(fired.map((c) => [c.firing, c.count, c.windowStart, c.windowEnd])).to.deep.equal([[true, 1, 900, 1900]]);
      expect(feed(d, [2000])).to.deep.equal([]); // [1001, 2001) holds 1
      // [1501, 2501) holds 2000 and 2500: decided on the event, without waiting for the watermark
      expect(feed(d, [2500]).map(brief)).to.deep.equal([{ group: G, firing: false, count: 2, windowStart: 1501, windowEnd: 2501, at: 2501 }]);
      expect(d.advance(2600)).to.deep.equal([]); // decided once
    });

    it('fires at the end of the first window short of events, whatever steps the watermark took', () => {
      // events every 100 ms from 0 to 3000, then none until 9000; window 1 s, threshold 1
      const times = [...Array.from({ length: 31 }, (_, i) => i * 100), 9000];
      const oneStep = detector({ type: 'flatline', threshold: 1 });
      feed(oneStep, times.slice(0, -1));
      // the window [3001, 4001) is the first without the event at 3000: 3000 + 1000 + 1
      const fired = oneStep.advance(8000);
      expect(fired.map(brief)).to.deep.equal([{ group: G, firing: true, count: 0, windowStart: 3001, windowEnd: 4001, at: 4001 }]);
      const resolved = feed(oneStep, [9000]);
      expect(resolved.map((c) => [c.firing, c.count, c.at])).to.deep.equal([[false, 1, 9001]]);
      // the same events with a watermark moving in 7 ms steps (a daemon's ticks) decide the same, at the same times
      const ticked = detector({ type: 'flatline', threshold: 1 });
      const got: Condition[] = [];
      feed(ticked, times.slice(0, -1));
      for (let w = 3000; w <= 8000; w += 7) got.push(...ticked.advance(w));
      got.push(...feed(ticked, [9000]));
      expect(got).to.deep.equal([...fired, ...resolved]);
    });

    it('a group that goes silent fires, then ends when the ttl forgets it, each at its own time', () => {
      const d = detector({ type: 'flatline', threshold: 1, groupTtlMs: 5000 });
      feed(d, [0, 500, 1200]);
      // one advance far past both: the silence at 1200 + 1000 + 1, the forgetting at 1200 + 5000
      expect(d.advance(20_000).map((c) => [c.firing, c.at])).to.deep.equal([[true, 2201], [false, 6200]]);
    });
  });

  describe('time counts and spans against brute force', () => {
    /** a small deterministic generator, so a failure can be replayed */
    function rng(seed: number) {
      let x = seed;
      return () => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x / 2147483648;
      };
    }

    it('sum(a, b) equals a count over the raw event times, with out-of-order inserts and pruning', () => {
      const r = rng(7);
      const tc = new TimeCounts();
      let raw: number[] = [];
      let pruned = -Infinity;
      for (let step = 0; step < 3000; step++) {
        const t = Math.floor(r() * 500) + step; // mostly rising, often out of order, many repeats
        if (t < pruned) continue;
        tc.add(t);
        raw.push(t);
        if (step % 97 === 0) {
          pruned = step - 100;
          tc.pruneBefore(pruned);
          raw = raw.filter((x) => x >= pruned);
        }
        const a = Math.floor(r() * 600) + step - 300;
        const b = a + Math.floor(r() * 400);
        const lo = Math.max(a, pruned);
        expect(tc.sum(lo, b), `sum [${lo}, ${b}) at step ${step}`).to.equal(raw.filter((x) => x >= lo && x < b).length);
      }
      expect(tc.total()).to.equal(raw.length);
    });

    it('threshold fires at the first event after which some span of the window holds threshold', () => {
      for (let seed = 1; seed <= 40; seed++) {
        const r = rng(seed);
        const w = 100;
        const thr = 2 + (seed % 5);
        const d = detector({ type: 'threshold', threshold: thr, windowMs: w, allowedLatenessMs: 50 });
        const seen: number[] = [];
        let newest = -Infinity;
        let expectedAt = -1;
        let firedAt = -1;
        for (let i = 0; i < 60 && firedAt < 0; i++) {
          const t = Math.floor(i * 40 + r() * 120 - 60); // sparse, jittered, out of order
          const admitted = t >= newest - 50 - w;
          if (admitted) {
            seen.push(t);
            newest = Math.max(newest, t);
            // brute force: does any span [s, s + w) hold thr of the admitted events?
            if (expectedAt < 0 && seen.some((s) => seen.filter((x) => x >= s && x < s + w).length >= thr)) expectedAt = i;
          }
          if (d.observe(t, G, GV).length > 0) firedAt = i;
        }
        expect(firedAt, `seed ${seed}`).to.equal(expectedAt);
      }
    });
  });

  it('createDetector rejects configs that cannot work', () => {
    expect(() => detector({ type: 'threshold', windowMs: 0 })).to.throw(/window/);
    expect(() => detector({ type: 'spike', baselineMs: 500 })).to.throw(/baseline/);
    expect(() => detector({ type: 'pattern', windowMs: 0 })).to.not.throw();
  });
});
