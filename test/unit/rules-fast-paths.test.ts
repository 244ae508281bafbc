import type { Span } from '../../src/core/event';
import { expect } from 'chai';
import { compileMatcher, parseKql } from '../../rules/kql';
import { compileGroupValueReader } from '../../rules/field-path';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';
import { RulesEngine } from '../../rules/engine';
import { silentLogger } from '../../src/core/log';

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
