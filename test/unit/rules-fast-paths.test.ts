import type { Span } from '../../src/core/event';
import { expect } from 'chai';
import { compileMatcher, parseKql } from '../../rules/kql';
import { compileGroupValueReader } from '../../rules/field-path';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';
import { analyze } from '../../rules/kql/analyze';
import { RulesEngine } from '../../rules/engine';
import { silentLogger } from '../../src/core/log';
import { createDetector } from '../../rules/detectors/create';
import type { Condition } from '../../rules/detectors/types';
import { compileRule } from '../../rules/compile-rule';
import { parseTimestamp, timeMsOf } from '../../src/core/timestamp';
import { GENERATED_PARSER_FILE, KQL_GRAMMAR_DIGEST } from '../../rules/kql/grammar-digest';
import { join } from 'node:path';

// The engine's shortcuts (bench/rules-engine.ts, bench/rules-cost.ts) must not change what matches or fires.
const m = (q: string, doc: Record<string, unknown>): boolean => compileMatcher(parseKql(q))(doc);

describe('rules fast paths', function () {
  it('an or of one text field reads it once and matches as its parts would', function () {
    const q = 'message: *OutOfMemory* or message: "ENOMEM" or message: panic*';
    expect(m(q, { message: 'java.lang.OutOfMemoryError: Java heap space' })).to.equal(true);
    expect(m(q, { message: 'write failed: enomem' })).to.equal(true);
    expect(m(q, { message: 'PANIC: runtime error' })).to.equal(true);
    expect(m(q, { message: ['all good', 'ENOMEM'] })).to.equal(true);
    expect(m(q, { message: 'request finished in 12 ms' })).to.equal(false);
    // the letters are there but in no token the parts ask for
    expect(m(q, { message: 'xenomem and unpanicked' })).to.equal(false);
    // another field in the or: each part on its own field
    expect(m('message: panic* or log.level: fatal', { message: 'ok', log: { level: 'fatal' } })).to.equal(true);
    expect(m('message: panic* or log.level: fatal', { message: 'ok', log: { level: 'error' } })).to.equal(false);
  });

  it('looks for the pieces in any case, and leaves non-ASCII texts to the tokens', function () {
    expect(m('message: "out of memory"', { message: 'OUT OF MEMORY!' })).to.equal(true);
    expect(m('message: "out of memory"', { message: 'memory out of' })).to.equal(false);
    expect(m('message: a.b+c', { message: 'x A.B+C y' })).to.equal(true);
    // U+212A KELVIN SIGN lower-cases to an ASCII k: the token is "kill", though no ASCII "k" is in the text
    expect(m('message: kill*', { message: '\u212AILL -9 sent' })).to.equal(true);
    expect(m('message: kill', { message: '\u212AILL -9 sent' })).to.equal(true);
    expect(m('message: "kill 9"', { message: '\u212AILL -9 sent' })).to.equal(true);
    expect(m('message: kill*', { message: 'caf\u00e9 skills' })).to.equal(false);
  });

  it('passes over a text without the pieces only when no character in it could hide them (differential)', function () {
    // texts mixing ASCII with the characters whose lower case or case folding is special; the answer
    // must be what the tokens give, with or without the search in front of them
    const alphabet = ['k', 'i', 'l', 'K', 'I', 'L', ' ', '-', '.', '\u212A', '\u0130', '\u0131', '\u00e9', '\u00df', '\u1E9E', '\u017F', '\u03F4', '\u03B8', '\u2126', '\u03C9', 'p', 'a', 'n', 'c', 'P', 'A', 'N', 'C'];
    const queries: Array<[string, (toks: string[]) => boolean]> = [
      ['message: kill*', (t) => t.some((x) => x.startsWith('kill'))],
      ['message: kill', (t) => t.includes('kill')],
      ['message: *ill*', (t) => t.some((x) => x.includes('ill'))],
      ['message: "kill panic"', (t) => t.some((x, i) => x === 'kill' && t[i + 1] === 'panic')],
      ['message: kill* or message: panic', (t) => t.some((x) => x.startsWith('kill')) || t.includes('panic')],
      ['message: \u00df*', (t) => t.some((x) => x.startsWith('\u00df'))],
      ['message: *\u03B8\u03C9*', (t) => t.some((x) => x.includes('\u03B8\u03C9'))],
    ];
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const texts = ['\u212AILL now', 'p\u0130c kill', 'PAN\u0130C', '\u1E9E\u1E9E', '\u03F4\u2126 x', 'sKILL'];
    for (let i = 0; i < 3000; i++) texts.push(Array.from({ length: 1 + rnd(12) }, () => alphabet[rnd(alphabet.length)]).join(''));
    for (const [q, oracle] of queries) {
      const matcher = compileMatcher(parseKql(q));
      for (const text of texts) expect(matcher({ message: text }), `${q} on ${JSON.stringify(text)}`).to.equal(oracle(analyze(text)));
    }
  });

  it('reads a group value without collecting the values: the first, nested before dotted', function () {
    const read = compileGroupValueReader('host.name');
    expect(read({ host: { name: 'a' }, 'host.name': 'b' })).to.equal('a');
    expect(read({ 'host.name': 'b' })).to.equal('b');
    expect(read({ host: [{ name: null }, { name: 2 }, { name: 3 }] })).to.equal(2);
    expect(read({ host: { name: { id: 1 } } })).to.equal('{"id":1}');
    expect(read({ host: { ip: '10.0.0.1' } })).to.equal(null);
    expect(read({ host: { name: 'c' } })).to.equal('c');
  });

  it('live: event time runs on from the wall-clock time at which the newest span came', function () {
    const yaml = ['rules:', '  - id: hb', '    type: flatline', "    where: 'event.dataset: \"app.heartbeat\"'", '    group_by: [host.name]', '    window: 10m', ''].join('\n');
    const { rules, problems } = parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
    expect(problems).to.deep.equal([]);
    const fired: string[] = [];
    let wall = Date.UTC(2026, 5, 1);
    const engine = new RulesEngine(silentLogger(), { live: true, now: () => wall, onAlerts: (cs) => { for (const c of cs) if (c.alert.state === 'firing') fired.push(c.alert.rule); } });
    engine.use(rules!);
    const t0 = Date.UTC(2026, 0, 1, 10);
    // one span of five heartbeats, as the pipeline hands them over
    const span: Span = { source: 'file:hb', start: 0, end: 500, pending: 0, events: [] };
    for (let i = 0; i < 5; i++) engine.process({ id: `hb.${i}`, span, doc: { '@timestamp': new Date(t0 + i * 60_000).toISOString(), event: { dataset: 'app.heartbeat' }, host: { name: 'web-01' }, log: { offset: i * 100 } } });
    wall += 500;
    expect(engine.tick()).to.deep.equal([]); // under a second since the span came: event time holds
    expect(fired).to.deep.equal([]);
    wall += 30 * 60_000; // half an hour of silence after it
    engine.tick();
    expect(fired).to.deep.equal(['hb']);
  });
});

describe('rules fast paths: what they must not change', function () {
  it('a spike decided between advances without looking at each window end gives the same alerts', function () {
    // a small deterministic generator: bursts and lulls, so that spikes start and end on events and on edges
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let run = 0; run < 40; run++) {
      const cfg = { windowMs: 1000, threshold: 1, baselineMs: 4000, ratio: 2 + Math.floor(rnd() * 3), minCount: 1 + Math.floor(rnd() * 6), direction: 'up' as const, allowedLatenessMs: 0, maxGroups: 100, groupTtlMs: 1_000_000 };
      const pruned = createDetector({ ...cfg, type: 'spike' });
      const full = createDetector({ ...cfg, type: 'spike' });
      (full as unknown as { mayRise: () => boolean }).mayRise = () => true; // every window end looked at
      const outA: Condition[] = [], outB: Condition[] = [];
      let t = 0;
      for (let i = 0; i < 400; i++) {
        t += rnd() < 0.1 ? Math.floor(rnd() * 3000) : Math.floor(rnd() * 120);
        const g = rnd() < 0.5 ? '["a"]' : '["b"]';
        outA.push(...pruned.observe(t, g, {}));
        outB.push(...full.observe(t, g, {}));
        if (rnd() < 0.2) {
          const watermark = t - Math.floor(rnd() * 500);
          outA.push(...pruned.advance(watermark));
          outB.push(...full.advance(watermark));
        }
      }
      outA.push(...pruned.advance(t + 10_000));
      outB.push(...full.advance(t + 10_000));
      expect(outA, `run ${run}`).to.deep.equal(outB);
    }
  });

  it('group keys of one field: the same as for several, whatever the value type', function () {
    const yaml = ['rules:', '  - id: one', '    type: pattern', "    where: 'event.code: *'", '    group_by: [user.name]', ''].join('\n');
    const { rules } = parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
    const c = compileRule(rules!.rules[0]);
    const keys = ['a', 1, '1', true, 'true', null, 'x"y'].map((v) => c.groupOf({ user: { name: v } }).key);
    expect(keys).to.deep.equal(['["a"]', '[1]', '["1"]', '[true]', '["true"]', '[null]', '["x\\"y"]']);
    expect(c.groupOf({}).key).to.equal('[null]');
    expect(c.groupOf({ user: { name: 'a' } }).values).to.deep.equal({ 'user.name': 'a' });
  });

  it('paths named like what objects inherit are read as own keys only', function () {
    expect(m('constructor.name: Object', {})).to.equal(false);
    expect(m('constructor.name: x', { constructor: { name: 'x' } })).to.equal(true);
    expect(compileGroupValueReader('toString.length')({})).to.equal(null);
    expect(compileGroupValueReader('a.__proto__')({ a: {} })).to.equal(null);
  });

  it('the time the collector hands over is the time of the document', function () {
    const ids = ['1767225600000', '1767225600.5', '"2026-01-01T10:00:00.123Z"', '"2026-01-01T10:00:00.124Z"', '"2026-01-01 10:00:01+02:00"', '"Tue, 02 Jan 2024 03:04:05 GMT"'];
    for (const raw of ids) {
      const s = parseTimestamp(JSON.parse(raw) as unknown)!;
      expect(timeMsOf(s), raw).to.equal(Date.parse(s));
    }
    // not the string last returned: parsed
    parseTimestamp('2026-01-01T10:00:00.999Z');
    expect(timeMsOf('2020-05-05T05:05:05.005Z')).to.equal(Date.parse('2020-05-05T05:05:05.005Z'));
    expect(timeMsOf(undefined)).to.be.NaN;
  });
});

describe('the KQL parser npm run build generates', function () {
  it('is there, made from the grammar in rules/kql/grammar.ts', function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const generated = require(join(__dirname, '..', '..', 'rules', 'kql', GENERATED_PARSER_FILE)) as { grammarDigest: string; parse: (s: string) => unknown };
    expect(generated.grammarDigest).to.equal(KQL_GRAMMAR_DIGEST);
    expect(generated.parse('event.code: 4625 and not user.name: bob')).to.deep.equal(parseKql('event.code: 4625 and not user.name: bob'));
  });
});
