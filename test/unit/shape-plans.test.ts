import { expect } from 'chai';
import { normaliseNdjsonLine, newNdjsonStats, type NdjsonLineContext } from '../../collectors/ndjson/ndjson';
import type { Obj } from '../../collectors/ndjson/json-objects';
import { planStats, resetShapePlans } from '../../collectors/ndjson/shape-plans';
import { compilePlan } from '../../collectors/ndjson/plan-compiler';
import { lineContext, reference } from '../helpers/ndjson-reference';

function normalised(line: string, c: NdjsonLineContext = lineContext()): string {
  return JSON.stringify(normaliseNdjsonLine(Buffer.from(line), c, newNdjsonStats()));
}

/** A seeded generator of lines: a fixed set of random key layouts, each line with values of varying types. */
function randomLines(seed: number, count: number, layoutCount: number, keys: readonly string[]): string[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const values: Array<() => unknown> = [
    () => `str${Math.floor(rnd() * 5)}`, () => '', () => Math.floor(rnd() * 100), () => rnd() * 1e3, () => true, () => null,
    () => ({ a: 1 }), () => ['x', 1], () => `2026-01-01T00:00:0${Math.floor(rnd() * 10)}.123Z`, () => 1767225600000 + Math.floor(rnd() * 1e6),
    () => 'not a time', () => pick(['info', 'WARN', 'Error', 'dbg', 'bogus', ' ', 'warning']), () => pick([30, 40, 50, 3, 7, 100]),
    () => `10.0.0.${Math.floor(rnd() * 9)}`, () => ({ 'x.y': 2 }),
    () => ({ a: { b: [{ c: 1 }, 'x'] }, d: null }), () => ({ a: [{ 'd.e': 1 }] }), () => ({ '': 1 }), () => [[{ k: 'v' }]],
  ];
  const layouts: Array<Array<{ k: string; usual: () => unknown; p: number }>> = [];
  for (let i = 0; i < layoutCount; i++) {
    const n = 1 + Math.floor(rnd() * 8);
    const ks = new Set<string>();
    while (ks.size < n) ks.add(pick(keys));
    // most keys keep one kind of value, some change it often (the plans' guards must catch every change)
    layouts.push([...ks].map((k) => ({ k, usual: pick(values), p: rnd() < 0.5 ? 0.02 : 0.3 })));
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const o: Record<string, unknown> = {};
    for (const { k, usual, p } of pick(layouts)) o[k] = (rnd() < p ? pick(values) : usual)();
    out.push(JSON.stringify(o));
  }
  return out;
}

/** Keys the plans handle, and their neighbours that they must leave to the general shaping. */
const PLANNABLE_KEYS = [
  '@timestamp', 'timestamp', 'time', 'ts', 'message', 'msg', 'level', 'hostname', 'pid', 'user', 'service', 'process', 'log.level',
  'event.dataset', 'event.action', 'event.ingested', 'host.name', 'host.os.name', 'host.hostname', 'service.name', 'user.name',
  'process.pid', 'ecs.version', 'http.request.method', 'http', 'a', 'b', 'a.b', 'a.b.c', 'b.c', 'x..y', 'constructor', 'error.message',
  'labels.env', 'url.path', 'trace.id', 'source.ip', 'destination.port', 's.t', 'é', 'k\u2028', '1x', 'x1', 'event.x.y', 'log.origin.file.name',
];
/** Every key the shaping treats specially, with dotted and colliding ones. */
const ALL_KEYS = [
  ...PLANNABLE_KEYS, '@t', 'err', 'error', 'tags', '@m', '@l', 'host', 'source', 'event', 'log', 'agent', 'vigil', 'caller', 'src',
  'stacktrace', 'log.file.path', 'log.offset', 'event.dataset.x', '.z', 'w.', '0', '1.a', 'q.0', 'toString', '__proto__.x', 'labels',
  'message.x', '@timestamp.x', 'tags.x', 'agent.name', 'vigil.original', 'level.x', 'time.x', '__proto__',
];

describe('compiled shape plans', () => {
  beforeEach(() => resetShapePlans());

  for (const [name, keys, seeds] of [['plannable keys', PLANNABLE_KEYS, [1, 2, 3]], ['all special keys', ALL_KEYS, [4, 5]]] as const) {
    it(`give the general shaping's bytes for every line (${name}, random layouts and values)`, () => {
      const before = { ...planStats };
      let compared = 0;
      for (const seed of seeds) {
        for (const [i, line] of randomLines(seed, 20_000, 120, keys).entries()) {
          const c = lineContext({ offset: i * 100 });
          const got = normalised(line, c);
          const want = reference(line, c);
          if (want === null) continue;
          compared++;
          if (got !== want) expect.fail(`line ${i} (seed ${seed}) ${line}\n   got ${got}\n  want ${want}`);
        }
      }
      expect(compared).to.be.greaterThan(seeds.length * 18_000);
      expect(planStats.dropped - before.dropped, 'plans that differed from the general shaping').to.equal(0);
      expect(planStats.compiled - before.compiled).to.be.greaterThan(name === 'plannable keys' ? 20 : 5);
      expect(planStats.planned - before.planned, 'lines built by plans').to.be.greaterThan(name === 'plannable keys' ? 5_000 : 500);
    });
  }

  it('build the usual logger lines (pino, ECS, plain) and fall back on a line its guards refuse', () => {
    const pino = (t: unknown, lvl: unknown): string => JSON.stringify({ level: lvl, time: t, pid: 42, hostname: 'web-01', service: 'pay', reqId: 'r1', msg: 'done' });
    const ecs = (lvl: unknown): string => JSON.stringify({ '@timestamp': '2026-01-01T00:00:00.013Z', 'log.level': lvl, message: 'm', 'ecs.version': '8.11.0', 'service.name': 'auth', 'event.dataset': 'app.auth' });
    const before = planStats.planned;
    for (let i = 0; i < 40; i++) {
      expect(normalised(pino(1767225600000 + i, 30))).to.equal(reference(pino(1767225600000 + i, 30), lineContext()));
      expect(normalised(ecs('INFO'))).to.equal(reference(ecs('INFO'), lineContext()));
    }
    expect(planStats.planned - before).to.be.greaterThan(40);
    const doc = JSON.parse(normalised(pino(1767225600000, 30))) as Record<string, unknown>;
    expect(Object.keys(doc)).to.deep.equal(['@timestamp', 'reqId', 'message', 'service', 'process', 'host', 'event', 'log', 'agent']);
    expect(doc).to.deep.include({ '@timestamp': '2026-01-01T00:00:00.000Z', message: 'done', service: { name: 'pay' }, process: { pid: 42 }, host: { name: 'web-01' } });
    // the same layout with a time that does not parse, an object level, an empty host name: the general shaping's tags
    const bad = JSON.parse(normalised(pino('yesterday', 30))) as Record<string, unknown>;
    expect(bad.tags).to.deep.equal(['vigil_timestamp_missing']);
    expect(bad.vigil).to.deep.equal({ original: { time: 'yesterday' } });
    expect(normalised(pino(1767225600000, { n: 1 }))).to.equal(reference(pino(1767225600000, { n: 1 }), lineContext()));
    const noHost = JSON.stringify({ level: 30, time: 1767225600000, pid: 42, hostname: '', service: 'pay', reqId: 'r1', msg: 'done' });
    expect(normalised(noHost)).to.equal(reference(noHost, lineContext()));
    expect(JSON.parse(normalised(ecs(' '))).tags).to.deep.equal(['vigil_ecs_conflict']);
  });

  it('are not compiled for layouts the general shaping resolves by its precedence rules', () => {
    const none = (o: Record<string, unknown>): void => {
      expect(compilePlan(Object.keys(o), o as Obj), JSON.stringify(o)).to.equal(null);
    };
    none({ time: 1, ts: 2 });                       // several timestamp candidates
    none({ message: 'a', msg: 'b' });                // msg stays a field
    none({ level: 'info', 'log.level': 'warn' });    // level stays a field
    none({ message: { text: 'x' } });                // an object where the shaping reads a scalar
    none({ service: { name: 'x' } });
    none({ err: 'x' });
    none({ tags: ['a'] });
    none({ 'a.b': 1, a: 2 });                        // collision
    none({ 'a.b': 1, 'a.b.c': 2 });
    none({ 'event.ingested': 'x' });
    none({ 'log.file.path': '/x' });
    none({ 'host.os.name': 'linux' });               // host without host.name
    none({ hostname: 'h', 'host.name': 'g' });
    none({ '0': 1 });
    none({ 'a..b': 1 });
    none({ '__proto__.x': 1 });
    none({ pid: 1, process: 'node' });
    expect(compilePlan(['a', 'time'], { a: 1, time: 2 })).to.be.a('function');
    expect(compilePlan(['a', 'time'], { a: { b: 1 }, time: 2 })).to.be.a('function'); // ordinary objects are kept as they are

  });

  it('keep an ordinary object as it is, and leave one with a dotted key inside to the general shaping', () => {
    const line = (req: unknown): string => JSON.stringify({ time: 1767225600000, msg: 'request', req, res: { statusCode: 200 } });
    const before = planStats.planned;
    for (let i = 0; i < 30; i++) expect(normalised(line({ method: 'GET', headers: { host: 'a' } }))).to.equal(reference(line({ method: 'GET', headers: { host: 'a' } }), lineContext()));
    expect(planStats.planned - before).to.be.greaterThan(0);
    const dotted = JSON.parse(normalised(line({ method: 'GET', 'headers.host': 'a' }))) as Record<string, unknown>;
    expect(dotted.req).to.deep.equal({ method: 'GET', headers: { host: 'a' } }); // expanded, as the general shaping does
    const empty = JSON.parse(normalised(line({ '': 1 }))) as Record<string, unknown>;
    expect(empty.tags).to.deep.equal(['vigil_ecs_conflict']);
  });

  it('write any key as data: quotes, backslashes, line separators and code in key names', () => {
    const keys = ['a"b', 'c\\d', 'e\u2028f', '"); throw new Error("x"); ("', '${x}', '`', 'x.y"z', 'constructor', 'hasOwnProperty'];
    const o: Record<string, unknown> = {};
    keys.forEach((k, i) => { o[k] = `v${i}`; });
    const line = JSON.stringify(o);
    const want = reference(line, lineContext());
    const before = planStats.planned;
    for (let i = 0; i < 30; i++) expect(normalised(line)).to.equal(want);
    expect(planStats.planned - before).to.be.greaterThan(0);
  });

  it('are not used for a line already tagged, nor when a timestamp field is configured', () => {
    const line = JSON.stringify({ time: 1767225600000, msg: 'x', n: 'soon' });
    for (let i = 0; i < 30; i++) normalised(line);
    const before = planStats.planned;
    const truncated = JSON.parse(normalised(line, lineContext({ truncated: true }))) as Record<string, unknown>;
    expect(truncated.tags).to.deep.equal(['vigil_truncated']);
    const configured = JSON.parse(normalised(line, lineContext({ timestampField: 'n' }))) as Record<string, unknown>;
    expect(configured.vigil).to.deep.equal({ original: { n: 'soon' } }); // not a time; `time` stays a field
    expect(configured.time).to.equal(1767225600000);
    expect(planStats.planned).to.equal(before);
  });
});
