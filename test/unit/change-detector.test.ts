import { expect } from 'chai';
import { createDetector } from '../../rules/detectors/create';
import type { Condition, Detector, DetectorConfig } from '../../rules/detectors/types';

/** a change detector on host.ip with hand-checkable numbers: 1 s alert window, no lateness unless asked */
function change(withinMs: number | null = null, cfg: Partial<DetectorConfig> = {}): Detector {
  return createDetector({
    type: 'change',
    windowMs: 1000,
    threshold: 1,
    baselineMs: 0,
    ratio: 1,
    minCount: 1,
    direction: 'up',
    allowedLatenessMs: 0,
    maxGroups: 100,
    groupTtlMs: 1_000_000,
    change: { field: 'host.ip', withinMs },
    ...cfg,
  });
}

/** feeds [time, ip] events of host h1 (ip null: the field is absent); returns "at:from" per change */
function feed(d: Detector, events: Array<[number, string | null]>, host = 'h1'): number[] {
  const out: number[] = [];
  for (const [t, ip] of events) {
    const doc = { '@timestamp': t, host: { name: host, ...(ip === null ? {} : { ip }) } };
    for (const c of d.observe(t, JSON.stringify([host]), { 'host.name': host }, doc)) if (c.firing) out.push(c.at);
  }
  return out;
}

const brief = (c: Condition) => ({ group: c.group, firing: c.firing, count: c.count, windowStart: c.windowStart, windowEnd: c.windowEnd, at: c.at });

describe('change detector', () => {
  it('fires at each change of the value, not for the first value nor a repeat; an event without the field is ignored', () => {
    const d = change();
    expect(feed(d, [[0, 'A'], [100, 'A']])).to.deep.equal([]);
    const c = d.observe(200, '["h1"]', { 'host.name': 'h1' }, { host: { name: 'h1', ip: 'B' } });
    expect(c.map(brief)).to.deep.equal([{ group: '["h1"]', firing: true, count: 1, windowStart: 200, windowEnd: 1200, at: 200 }]);
    expect(feed(d, [[300, 'B'], [350, null], [400, 'A'], [500, 'A']])).to.deep.equal([400]);
    // another group has its own previous value
    expect(feed(d, [[600, 'B']], 'h2')).to.deep.equal([]);
    expect(feed(d, [[700, 'C']], 'h2')).to.deep.equal([700]);
  });

  it('window: the previous value must have been seen less than a window before the change', () => {
    const d = change(1000);
    expect(feed(d, [[0, 'A'], [999, 'B']])).to.deep.equal([999]);
    // B last seen at 999: 1 001 ms before
    expect(feed(d, [[2000, 'A']])).to.deep.equal([]);
    // A last seen at 2 000: exactly a window before
    expect(feed(d, [[3000, 'B']])).to.deep.equal([]);
    // without a window, at any age
    expect(feed(change(), [[0, 'A'], [500_000, 'B']])).to.deep.equal([500_000]);
  });

  it('the alert holds for a window after its latest change and resolves at c + window + 1', () => {
    const d = change();
    feed(d, [[0, 'A'], [200, 'B']]);
    expect(d.advance(1200)).to.deep.equal([]);
    expect(d.advance(1201).map(brief)).to.deep.equal([{ group: '["h1"]', firing: false, count: 0, windowStart: 201, windowEnd: 1201, at: 1201 }]);
    // a second change while firing is an occurrence of its own and holds the alert longer
    const e = change();
    expect(feed(e, [[0, 'A'], [200, 'B'], [700, 'C']])).to.deep.equal([200, 700]);
    expect(e.firing().map(brief)).to.deep.equal([{ group: '["h1"]', firing: true, count: 1, windowStart: 700, windowEnd: 1700, at: 700 }]);
    expect(e.advance(1201)).to.deep.equal([]);
    expect(e.advance(9000).map((c) => [c.firing, c.at])).to.deep.equal([[false, 1701]]);
    // a change after the alert's end, before any watermark said so: the alert ends first, at its own time
    const f = change();
    feed(f, [[0, 'A'], [200, 'B']]);
    const next = f.observe(5000, '["h1"]', { 'host.name': 'h1' }, { host: { name: 'h1', ip: 'C' } });
    expect(next.map((c) => [c.firing, c.at])).to.deep.equal([[false, 1201], [true, 5000]]);
  });

  it('an event late within the allowed lateness is compared with the values around it in event time', () => {
    const lat = { allowedLatenessMs: 2000 };
    // between two runs, of a third value: the change into it is new; the one out of it was reported
    const gap = change(null, lat);
    expect(feed(gap, [[1000, 'A'], [3000, 'B']])).to.deep.equal([3000]);
    expect(feed(gap, [[2000, 'C']])).to.deep.equal([2000]);
    // of the next run's value: that change happened earlier, and was reported already
    const early = change(null, lat);
    expect(feed(early, [[1000, 'A'], [3000, 'B'], [2000, 'B']])).to.deep.equal([3000]);
    // of the previous run's value: nothing changes
    const same = change(null, lat);
    expect(feed(same, [[1000, 'A'], [3000, 'B'], [2000, 'A']])).to.deep.equal([3000]);
    // inside a run of another value: a change to it, and one back at the run's last known event
    const blip = change(null, lat);
    expect(feed(blip, [[1000, 'A'], [3000, 'A'], [2000, 'B']])).to.deep.equal([2000, 3000]);
    // before every event of the group: the change is out of it, at the first event after it
    const before = change(null, lat);
    expect(feed(before, [[3000, 'A'], [1500, 'B']])).to.deep.equal([3000]);
    // a window now met: C at 5 000 came 5 s after A (no change within 1 s); B late at 4 500 is 500 ms before C
    const win = change(1000, lat);
    expect(feed(win, [[0, 'A'], [5000, 'C']])).to.deep.equal([]);
    expect(feed(win, [[4500, 'B']])).to.deep.equal([5000]);
  });

  it('an event later than the allowed lateness is counted as late and changes nothing', () => {
    const d = change(null, { allowedLatenessMs: 2000 });
    expect(feed(d, [[10_000, 'A'], [7_999, 'B']])).to.deep.equal([]);
    expect(d.stats().late).to.equal(1);
    // compared with A, the value before, as if B had never come
    expect(feed(d, [[10_500, 'A'], [11_000, 'C']])).to.deep.equal([11_000]);
  });

  it('keeps only the runs events still in time can reach, and forgets a quiet group after its ttl', () => {
    const d = change(null, { allowedLatenessMs: 1000, groupTtlMs: 50_000 });
    feed(d, [[0, 'A'], [1000, 'B'], [2000, 'C'], [10_000, 'D']]);
    d.advance(9000);
    // runs ending before 9 000: only the newest of them (C) stays as the value before
    const runs = () => ((d.snapshot() as { groups: { groups: Array<{ state: { runs: unknown } }> } }).groups.groups[0]?.state.runs);
    expect(runs()).to.deep.equal([['C', 2000, 2000, true], ['D', 10_000, 10_000, true]]);
    d.advance(60_000);
    expect(d.stats().groups).to.equal(0);
  });

  it('snapshot through JSON and restore: the same values, the same open alert', () => {
    const d = change(null, { allowedLatenessMs: 2000 });
    feed(d, [[1000, 'A'], [3000, 'A'], [3500, 'B']]);
    const saved = JSON.parse(JSON.stringify(d.snapshot())) as unknown;
    const r = change(null, { allowedLatenessMs: 2000 });
    r.restore(saved);
    expect(r.snapshot()).to.deep.equal(saved);
    expect(r.firing().map((c) => c.at)).to.deep.equal([3500]);
    // the blip inside the A run is found from the restored runs; B again is no change
    expect(feed(r, [[3600, 'B'], [2000, 'C']])).to.deep.equal([2000, 3000]);
    expect(r.advance(10_000).map((c) => [c.firing, c.at])).to.deep.equal([[false, 4501]]);
  });
});
