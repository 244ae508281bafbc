import { expect } from 'chai';
import { RulesEngine } from '../../rules/engine';
import { RuleIndex, requiredValues } from '../../rules/rule-index';
import { parseKql } from '../../rules/kql/parse';
import { silentLogger } from '../../src/core/log';
import type { AlertChange } from '../../rules/alerts/lifecycle';
import type { PipelineEvent, Span } from '../../src/core/event';
import { rulesOf } from '../helpers/rules-text';

const T0 = Date.UTC(2026, 0, 1, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const FAILED_LOGONS = `
rules:
  - id: failed-logon-burst
    type: threshold
    where: 'event.code: 4625 and winlog.channel: Security'
    group_by: [user.name]
    threshold: 5
    window: 1m
    realert: 10m
    notify_resolved: true
`;

describe('rules engine', () => {
  it('files rules under the keyword values their queries require, and an event meets only those', () => {
    expect(requiredValues(parseKql('event.code: 4625 and winlog.channel: Security'))).to.deep.equal({ field: 'event.code', values: ['4625'] });
    expect(requiredValues(parseKql('log.level: (error or fatal)'))).to.deep.equal({ field: 'log.level', values: ['error', 'fatal'] });
    expect(requiredValues(parseKql('message: *oom* or log.level: error'))).to.equal(null);
    expect(requiredValues(parseKql('not event.code: 4625'))).to.equal(null);
    const idx = new RuleIndex<string>();
    idx.add('logon', parseKql('event.code: 4625'));
    idx.add('errors', parseKql('log.level: (error or fatal)'));
    idx.add('any', parseKql('message: *oom*'));
    expect(idx.candidates({ event: { code: '4625' } }).sort()).to.deep.equal(['any', 'logon']);
    expect(idx.candidates({ event: { code: 4625 } }).sort()).to.deep.equal(['any', 'logon']);
    expect(idx.candidates({ log: { level: 'fatal' } }).sort()).to.deep.equal(['any', 'errors']);
    expect(idx.candidates({ log: { level: 'info' } })).to.deep.equal(['any']);
    expect(idx.unindexed).to.equal(1);
  });

  it('runs rules on field patterns (never filed under the pattern as a field name) and gives alerts the rule\'s references', () => {
    // winlog.event_data.* is a keyword path template: the pattern must not pass for a keyword field
    expect(requiredValues(parseKql('winlog.event_data.*: alice'))).to.equal(null);
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(`
rules:
  - id: alice-anywhere
    type: pattern
    where: 'winlog.event_data.*: alice'
    references: [https://example.org/why]
`));
    const changes = engine.processDoc({ '@timestamp': at(0), winlog: { event_data: { TargetUserName: 'alice' } } });
    expect(changes.map((c) => [c.alert.rule, c.alert.references])).to.deep.equal([['alice-anywhere', ['https://example.org/why']]]);
    expect(engine.processDoc({ '@timestamp': at(1), winlog: { event_data: { TargetUserName: 'bob' } } })).to.have.length(0);
  });

  it('a threshold rule fires once per group at the threshold, holds back repeats (realert), and resolves after a quiet window', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(FAILED_LOGONS));
    const changes: AlertChange[] = [];
    const ev = (s: number, user: string, code = '4625') => changes.push(...engine.processDoc({ '@timestamp': at(s), event: { code }, winlog: { channel: 'Security' }, user: { name: user } }));
    for (let i = 0; i < 4; i++) ev(i, 'bob');
    ev(4, 'alice');
    ev(5, 'bob', '4624'); // another event code: not counted
    expect(changes).to.have.length(0);
    ev(6, 'bob'); // the 5th failed logon of bob within a minute
    expect(changes.map((c) => [c.alert.rule, c.alert.state, c.alert.group['user.name'], c.alert.count, c.send])).to.deep.equal([['failed-logon-burst', 'firing', 'bob', 5, true]]);
    const a = changes[0].alert;
    expect(a.first_event).to.equal(at(0));
    expect(a.samples).to.have.length(5);
    expect(a.query).to.equal('(event.code: 4625 and winlog.channel: Security) and user.name: "bob"');
    ev(7, 'bob');
    expect(changes).to.have.length(1); // still firing: no new alert
    expect(engine.finish()).to.deep.equal([]); // event time stops at the last event: still firing
    expect([...engine.openAlertIds()]).to.deep.equal([a.id]);
    changes.push(...engine.finish(T0 + 120_000));
    expect(changes.map((c) => [c.alert.state, c.send])).to.deep.equal([['firing', true], ['resolved', true]]);
    expect(changes[1].alert.id).to.equal(a.id);
    // bob's logons at 0, 1, 2, 3, 6, 7 s: the span [0, 60 s) fired; at 61.001 s the window [1.001, 61.001) holds 4
    expect(changes[1].alert.resolved_at).to.equal(new Date(T0 + 61_001).toISOString());
  });

  it('gives the same alert ids when the same events are replayed', () => {
    const run = () => {
      const engine = new RulesEngine(silentLogger());
      engine.use(rulesOf(FAILED_LOGONS));
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) for (const c of engine.processDoc({ '@timestamp': at(i * 7), event: { code: '4625' }, winlog: { channel: 'Security' }, user: { name: `u${i % 2}` } })) ids.push(c.alert.id);
      for (const c of engine.finish(T0 + 3_600_000)) ids.push(c.alert.id);
      return ids;
    };
    const first = run();
    expect(first.length).to.be.greaterThan(0);
    expect(run()).to.deep.equal(first);
  });

  it('after a restart from a checkpoint, events it already counted are not counted again', () => {
    const rules = rulesOf(FAILED_LOGONS);
    const span: Span = { source: 'file:x', start: 0, end: 1000, pending: 0, events: [] };
    const event = (i: number): PipelineEvent => ({ id: `x.${i}`, span, doc: { '@timestamp': at(i), event: { code: '4625' }, winlog: { channel: 'Security' }, user: { name: 'bob' }, log: { offset: i * 100 } } });
    const fired: AlertChange[] = [];
    const a = new RulesEngine(silentLogger(), { onAlerts: (c) => fired.push(...c) });
    a.use(rules);
    for (let i = 0; i < 3; i++) a.process(event(i));
    const state = JSON.parse(JSON.stringify(a.snapshot()));
    // crash; the collector resends from its older checkpoint (events 0..2 again), then 3 and 4
    const b = new RulesEngine(silentLogger(), { onAlerts: (c) => fired.push(...c) });
    b.restore(state);
    b.use(rules);
    for (let i = 0; i < 5; i++) b.process(event(i));
    expect(fired.map((c) => [c.alert.state, c.alert.count])).to.deep.equal([['firing', 5]]);
    // without the restored state the three resent events would count twice and fire early
    const c = new RulesEngine(silentLogger());
    c.use(rules);
    const early: AlertChange[] = [];
    for (const i of [0, 1, 2, 0, 1]) early.push(...c.processDoc(event(i).doc));
    expect(early).to.have.length(1);
  });

  it('an event with a position of its own (an Elasticsearch _seq_no) is filed by it, not by its log.offset', () => {
    const rules = rulesOf(FAILED_LOGONS);
    // documents of three agents in one shard: their log.offset runs on per agent, the _seq_no across the shard
    const span: Span = { source: 'es:in:uuid:0', start: 0, end: 1000, pending: 0, events: [] };
    const event = (i: number): PipelineEvent => ({
      id: `d${i}`, span, position: i,
      doc: { '@timestamp': at(i), event: { code: '4625' }, winlog: { channel: 'Security' }, user: { name: 'bob' }, log: { offset: Math.floor(i / 3) * 100 } },
    });
    const fired: AlertChange[] = [];
    const a = new RulesEngine(silentLogger(), { onAlerts: (c) => fired.push(...c) });
    a.use(rules);
    for (let i = 0; i < 3; i++) a.process(event(i));
    const state = JSON.parse(JSON.stringify(a.snapshot()));
    expect(state.processed).to.deep.equal({ 'es:in:uuid:0': 3 });
    // restart: the input resends 1..2 (not acknowledged), then 3 and 4 come (agent 0's offset 100, below
    // the 101 that filing by log.offset would have kept: they would not be counted)
    const b = new RulesEngine(silentLogger(), { onAlerts: (c) => fired.push(...c) });
    b.restore(state);
    b.use(rules);
    for (let i = 1; i < 5; i++) b.process(event(i));
    expect(fired.map((c) => [c.alert.state, c.alert.count])).to.deep.equal([['firing', 5]]);
  });

  it('a 10 MB field value does not stall a regex rule', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(`
rules:
  - id: oom
    type: pattern
    where: 'log.level: error'
    regex: { field: message, pattern: 'OutOfMemoryError|ENOMEM' }
`));
    const huge = `${'x'.repeat(10 * 1024 * 1024)} OutOfMemoryError`;
    const t = Date.now();
    const changes = engine.processDoc({ '@timestamp': at(0), log: { level: 'error' }, message: huge });
    expect(Date.now() - t).to.be.lessThan(2000);
    expect(changes).to.have.length(0); // the match is past the first MiB that regexes look at
    expect(engine.processDoc({ '@timestamp': at(1), log: { level: 'error' }, message: 'java.lang.OutOfMemoryError: Java heap space' })).to.have.length(1);
  });

  it('keeps the state of rules whose definition did not change when new rules come in', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(FAILED_LOGONS));
    for (let i = 0; i < 4; i++) engine.processDoc({ '@timestamp': at(i), event: { code: '4625' }, winlog: { channel: 'Security' }, user: { name: 'bob' } });
    engine.use(rulesOf(`${FAILED_LOGONS}
  - id: other
    type: pattern
    where: 'event.code: 1102'
`));
    const c = engine.processDoc({ '@timestamp': at(5), event: { code: '4625' }, winlog: { channel: 'Security' }, user: { name: 'bob' } });
    expect(c.map((x) => x.alert.rule)).to.deep.equal(['failed-logon-burst']);
    // a changed definition starts afresh
    engine.use(rulesOf(FAILED_LOGONS.replace('threshold: 5', 'threshold: 6')));
    expect(engine.processDoc({ '@timestamp': at(6), event: { code: '4625' }, winlog: { channel: 'Security' }, user: { name: 'carol' } })).to.have.length(0);
  });
});
