import { expect } from 'chai';
import { createDetector } from '../../rules/detectors/create';
import type { Condition, Detector, DetectorConfig } from '../../rules/detectors/types';

/** a new_term detector with hand-checkable numbers: 1 s alert window, 10 s history, no lateness unless asked */
function newTerm(over: Partial<DetectorConfig['newTerm']> = {}, cfg: Partial<DetectorConfig> = {}): Detector {
  return createDetector({
    type: 'new_term',
    windowMs: 1000,
    threshold: 1,
    baselineMs: 0,
    ratio: 1,
    minCount: 1,
    direction: 'up',
    allowedLatenessMs: 0,
    maxGroups: 100,
    groupTtlMs: 1_000_000,
    newTerm: { fields: ['user.name'], historyMs: 10_000, warmupMs: 0, maxTerms: 100, ...over },
    ...cfg,
  });
}

/** one event of `user` (and optional more fields) at `t`, without group_by */
function see(d: Detector, t: number, user: string, more: Record<string, unknown> = {}, group = '[]', values: Record<string, unknown> = {}): Condition[] {
  return d.observe(t, group, values, { '@timestamp': t, user: { name: user }, ...more });
}

/** the users each call fired for, in order */
function fired(d: Detector, events: Array<[number, string]>): string[] {
  const out: string[] = [];
  for (const [t, u] of events) for (const c of see(d, t, u)) if (c.firing) out.push(`${u}@${c.at}`);
  return out;
}

const brief = (c: Condition) => ({ group: c.group, firing: c.firing, count: c.count, windowStart: c.windowStart, windowEnd: c.windowEnd, at: c.at });

describe('new_term detector', () => {
  it('fires for a term not seen within the history: t and t + history apart is new again, t + history − 1 is not', () => {
    const d = newTerm();
    const first = see(d, 0, 'bob');
    expect(first.map(brief)).to.deep.equal([{ group: '["bob"]', firing: true, count: 1, windowStart: 0, windowEnd: 1000, at: 0 }]);
    expect(first[0].groupValues).to.deep.equal({ 'user.name': 'bob' });
    expect(first[0].sample).to.deep.equal({ '@timestamp': 0, user: { name: 'bob' } });
    // known: seen 9 999 ms before; each sighting renews it
    expect(fired(d, [[9_999, 'bob'], [19_998, 'bob']])).to.deep.equal([]);
    // 10 000 ms after its last sighting: no longer within the history
    expect(fired(d, [[29_998, 'bob']])).to.deep.equal(['bob@29998']);
    const e = newTerm();
    expect(fired(e, [[0, 'ann'], [10_000, 'ann']])).to.deep.equal(['ann@0', 'ann@10000']);
  });

  it('a tuple of fields within a group_by group: each combination is a term of its own; an event without a field has none', () => {
    const d = newTerm({ fields: ['user.name', 'source.ip'] });
    const at = (t: number, host: string, user: string, ip?: string) =>
      d.observe(t, JSON.stringify([host]), { 'host.name': host }, { user: { name: user }, ...(ip ? { source: { ip } } : {}) });
    const one = at(0, 'h1', 'bob', '10.0.0.1');
    expect(one.map((c) => [c.group, c.groupValues])).to.deep.equal([['["h1","bob","10.0.0.1"]', { 'host.name': 'h1', 'user.name': 'bob', 'source.ip': '10.0.0.1' }]]);
    expect(at(1, 'h1', 'bob', '10.0.0.2').map((c) => c.group)).to.deep.equal(['["h1","bob","10.0.0.2"]']);
    expect(at(2, 'h1', 'ann', '10.0.0.1').map((c) => c.group)).to.deep.equal(['["h1","ann","10.0.0.1"]']);
    expect(at(3, 'h1', 'bob', '10.0.0.1')).to.deep.equal([]);
    expect(at(4, 'h2', 'bob', '10.0.0.1').map((c) => c.group)).to.deep.equal(['["h2","bob","10.0.0.1"]']);
    // no source.ip: no term, nothing learned
    expect(at(5, 'h1', 'cid')).to.deep.equal([]);
    expect(d.stats().terms).to.equal(4);
  });

  it('the alert holds for a window and resolves at t + window + 1, when [t + 1, t + window + 1) held nothing new', () => {
    const d = newTerm();
    see(d, 100, 'bob');
    expect(d.firing().map(brief)).to.deep.equal([{ group: '["bob"]', firing: true, count: 1, windowStart: 100, windowEnd: 1100, at: 100 }]);
    expect(d.advance(1100)).to.deep.equal([]);
    expect(d.advance(1101).map(brief)).to.deep.equal([{ group: '["bob"]', firing: false, count: 0, windowStart: 101, windowEnd: 1101, at: 1101 }]);
    expect(d.firing()).to.deep.equal([]);
    // a watermark far beyond still resolves it at its own time, not the watermark's
    const e = newTerm();
    see(e, 100, 'bob');
    expect(e.advance(50_000).map((c) => c.at)).to.deep.equal([1101]);
  });

  it('a term new again after its alert ended, before any watermark said so: the old alert ends first, at its own time', () => {
    const d = newTerm({ historyMs: 500 });
    see(d, 0, 'bob');
    expect(see(d, 600, 'bob').map(brief)).to.deep.equal([{ group: '["bob"]', firing: true, count: 1, windowStart: 600, windowEnd: 1600, at: 600 }]);
    // within the first alert's window: merged into it (the lifecycle keeps one alert), which now ends later
    expect(see(d, 1700, 'bob').map(brief)).to.deep.equal([
      { group: '["bob"]', firing: false, count: 0, windowStart: 601, windowEnd: 1601, at: 1601 },
      { group: '["bob"]', firing: true, count: 1, windowStart: 1700, windowEnd: 2700, at: 1700 },
    ]);
  });

  it('events within the allowed lateness count in their own time; later ones are late: neither fire nor teach', () => {
    const d = newTerm({}, { allowedLatenessMs: 2000 });
    expect(fired(d, [[10_000, 'erin']])).to.deep.equal(['erin@10000']);
    // 2 000 behind the newest: still in time
    expect(fired(d, [[8_000, 'carol']])).to.deep.equal(['carol@8000']);
    // erin seen later already: known
    expect(fired(d, [[9_000, 'erin']])).to.deep.equal([]);
    // 2 001 behind: late, counted, not learned, so dave's next sighting fires
    expect(fired(d, [[7_999, 'dave']])).to.deep.equal([]);
    expect(d.stats().late).to.equal(1);
    expect(fired(d, [[10_500, 'dave']])).to.deep.equal(['dave@10500']);
  });

  it('history_warmup: a fresh start only learns for that much event time from its first event; a restored one does not again', () => {
    const d = newTerm({ warmupMs: 5000 });
    expect(fired(d, [[1000, 'a'], [3000, 'b'], [5999, 'c']])).to.deep.equal([]);
    expect(fired(d, [[6000, 'd'], [7000, 'b']])).to.deep.equal(['d@6000']);
    const saved = JSON.parse(JSON.stringify(d.snapshot())) as unknown;
    const r = newTerm({ warmupMs: 5000 });
    r.restore(saved);
    expect(fired(r, [[8000, 'e'], [8001, 'a']])).to.deep.equal(['e@8000']);
    // a fresh detector (no saved state) learns again from its own first event
    const fresh = newTerm({ warmupMs: 5000 });
    expect(fired(fresh, [[8000, 'e'], [13_000, 'f']])).to.deep.equal(['f@13000']);
  });

  it('max_terms: a new term beyond the cap makes the least recently seen forgotten, and counts it', () => {
    // sightings a second apart or more (recency is kept to the second)
    const d = newTerm({ maxTerms: 3, historyMs: 100_000 });
    expect(fired(d, [[0, 'a'], [1000, 'b'], [2000, 'c']])).to.deep.equal(['a@0', 'b@1000', 'c@2000']);
    // a seen again: b is now the least recently seen; d makes b forgotten
    expect(fired(d, [[3000, 'a'], [4000, 'd']])).to.deep.equal(['d@4000']);
    expect(d.stats()).to.include({ terms: 3, termsForgotten: 1 });
    // b was forgotten: new again (c goes); a is known; c was forgotten (d goes)
    expect(fired(d, [[5000, 'b'], [6000, 'a'], [7000, 'c']])).to.deep.equal(['b@5000', 'c@7000']);
    expect(d.stats()).to.include({ terms: 3, termsForgotten: 3 });
    expect((d.snapshot() as { history: { terms: unknown } }).history.terms).to.deep.equal([['["b"]', 5000], ['["a"]', 6000], ['["c"]', 7000]]);
    // within a second of its place, a sighting renews a term's time but not its place: b, seen at
    // 5 900, still goes before a, seen at 5 200 (b's place is 5 000); it is new again after
    const e = newTerm({ maxTerms: 2, historyMs: 100_000 });
    expect(fired(e, [[5000, 'b'], [5200, 'a'], [5900, 'b'], [6000, 'c'], [6100, 'b']])).to.deep.equal(['b@5000', 'a@5200', 'c@6000', 'b@6100']);
  });

  it('the cap over many sightings is least-recently-seen order exactly, when sightings are a second apart', () => {
    const d = newTerm({ maxTerms: 1000, historyMs: 1e12 });
    // the reference: a Map re-inserted on every sighting, its first key dropped beyond the cap
    const ref = new Map<string, number>();
    let forgotten = 0;
    let fires = 0;
    let seed = 12345;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // 1 200 users, a quarter of the events from 100 of them: known and forgotten terms both
      const r = Math.floor(seed / 65536);
      const u = `k${i % 4 === 0 ? r % 100 : r % 1200}`;
      const t = i * 1000;
      const isNew = !ref.has(u);
      ref.delete(u);
      ref.set(u, t);
      if (ref.size > 1000) { ref.delete(ref.keys().next().value as string); forgotten++; }
      const got = see(d, t, u).filter((c) => c.firing).length;
      expect(got, `event ${i}`).to.equal(isNew ? 1 : 0);
      fires += got;
    }
    expect(fires).to.be.within(2000, 15_000);
    expect(d.stats()).to.include({ terms: 1000, termsForgotten: forgotten });
    expect((d.snapshot() as { history: { terms: unknown } }).history.terms).to.deep.equal([...ref].map(([u, t]) => [JSON.stringify([u]), t]));
  });

  it('drops terms the history no longer covers, judged against the newest event less the lateness', () => {
    const d = newTerm({}, { allowedLatenessMs: 1000 });
    fired(d, [[0, 'a'], [5000, 'b'], [21_000, 'c']]);
    // the floor is min(watermark, newest − lateness) = 20 000: terms last seen at or before 10 000 go
    d.advance(25_000);
    expect((d.snapshot() as { history: { terms: unknown } }).history.terms).to.deep.equal([['["c"]', 21_000]]);
    expect(d.stats().terms).to.equal(1);
  });

  it('snapshot through JSON and restore: the same terms known, the same alert open and resolved at the same time', () => {
    const d = newTerm();
    fired(d, [[0, 'a'], [500, 'b']]);
    const saved = JSON.parse(JSON.stringify(d.snapshot())) as unknown;
    const r = newTerm();
    r.restore(saved);
    expect(r.snapshot()).to.deep.equal(saved);
    expect(fired(r, [[600, 'a'], [700, 'c']])).to.deep.equal(['c@700']);
    expect(r.advance(1501).map((c) => [c.group, c.firing, c.at])).to.deep.equal([['["a"]', false, 1001], ['["b"]', false, 1501]]);
    expect(r.firing().map((c) => c.group)).to.deep.equal(['["c"]']);
    expect(() => r.restore({ version: 1, type: 'change', gate: {}, groups: {} })).to.throw(/change given to a new_term/);
  });
});
