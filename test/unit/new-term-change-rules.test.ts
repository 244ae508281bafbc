import { expect } from 'chai';
import { parseRulesText } from '../../rules/load/rules-file';
import type { LoadedRules } from '../../rules/types';
import { validateWhere } from '../../rules/kql/validate-where';
import { RulesEngine } from '../../rules/engine';
import { runExamples } from '../../rules/run-examples';
import { silentLogger } from '../../src/core/log';
import type { AlertChange } from '../../rules/alerts/lifecycle';

/**
 * new_term and change as rules: from rules.yaml (SPEC 3.3's examples verbatim, their problems at
 * rules.yaml:LINE:COL) through the engine to alerts, their examples, and their state kept across a
 * reload and a restart.
 */
function load(yaml: string) {
  return parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
}
function rulesOf(yaml: string): LoadedRules {
  const { rules, problems } = load(yaml);
  expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).to.deep.equal([]);
  return rules!;
}
const problemsOf = (yaml: string) => load(yaml).problems.map((p) => `${p.line}:${p.col} ${p.message}`);

const T0 = Date.UTC(2026, 0, 1, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** the two lines of SPEC 3.3, verbatim */
const SPEC_LINES = `rules:
  - { id: new-logon-source, type: new_term, where: 'event.code: 4624', fields: [user.name, source.ip], history: 30d }
  - { id: host-ip-changed, type: change, where: 'event.dataset: "app.heartbeat"', group_by: [host.name], field: host.ip }
`;

const logon = (s: number, user: string, ip: string) => ({ '@timestamp': at(s), event: { code: '4624' }, user: { name: user }, source: { ip }, message: `logon ${user}` });
const beat = (s: number, host: string, ip: string) => ({ '@timestamp': at(s), event: { dataset: 'app.heartbeat' }, host: { name: host, ip } });
const firing = (cs: AlertChange[]) => cs.filter((c) => c.alert.state === 'firing' && c.send);

describe('new_term and change rules', () => {
  it('SPEC 3.3: the two examples load with their defaults', () => {
    const [nt, ch] = rulesOf(SPEC_LINES).rules;
    expect(nt).to.include({ type: 'new_term', history_ms: 30 * 86_400_000, history_warmup_ms: 0, max_terms: 100_000 });
    expect(nt.fields).to.deep.equal(['user.name', 'source.ip']);
    expect(ch).to.include({ type: 'change', field: 'host.ip' });
    expect(ch.window_ms).to.equal(undefined);
    expect(ch.group_by).to.deep.equal(['host.name']);
  });

  it('vigil check: each problem at rules.yaml:LINE:COL', () => {
    expect(problemsOf(`defaults:
  history: 0s
rules:
  - id: a
    type: new_term
  - id: b
    type: new_term
    fields: [user.name, user.name]
    max_terms: 0
    history_warmup: 3x
  - id: c
    type: change
    group_by: [host.name]
  - id: d
    type: change
    field: host.ip
    window: 0s
  - id: e
    type: new_term
    fields: []
    where: 'event.code: 4624'
`)).to.deep.equal([
      '2:12 defaults.history must be longer than 0',
      '4:5 new_term rule "a" needs "fields"',
      '8:13 rules[1].fields names "user.name" twice',
      '9:16 rules[1].max_terms must be >= 1 (got 0)',
      '10:21 rules[1].history_warmup: invalid duration "3x": unknown unit "x" (use ms, s, m, h, d or w)',
      '11:5 change rule "c" needs "field"',
      '17:13 rules[3].window must be longer than 0',
      '20:13 rules[4].fields must not be empty',
    ]);
  });

  it('new_term: one alert per new term, its group the term, its sample the event; it resolves a window later', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(`rules:
  - id: new-logon-source
    type: new_term
    where: 'event.code: 4624'
    fields: [user.name, source.ip]
    window: 1m
    realert: 1h
    notify_resolved: true
`));
    const a = firing(engine.processDoc(logon(0, 'bob', '10.0.0.1')));
    expect(a).to.have.length(1);
    expect(a[0].alert).to.deep.include({
      rule: 'new-logon-source', state: 'firing', groupKey: '["bob","10.0.0.1"]', group: { 'user.name': 'bob', 'source.ip': '10.0.0.1' },
      count: 1, first_event: at(0), last_event: at(0), fired_at: at(0),
      query: '(event.code: 4624) and user.name: "bob" and source.ip: "10.0.0.1"',
    });
    expect(a[0].alert.samples).to.deep.equal([{ '@timestamp': at(0), message: 'logon bob', 'event.code': '4624', 'user.name': 'bob', 'source.ip': '10.0.0.1' }]);
    expect(firing(engine.processDoc(logon(10, 'bob', '10.0.0.1')))).to.deep.equal([]);
    // realert is per rule+group, and each term is a group of its own
    const b = firing(engine.processDoc(logon(20, 'bob', '10.0.0.2')));
    expect(b.map((c) => c.alert.groupKey)).to.deep.equal(['["bob","10.0.0.2"]']);
    expect(b[0].alert.id).not.to.equal(a[0].alert.id);
    // the first resolves at 0 + 1m + 1 ms, the second at 20 s + 1m + 1 ms
    const later = engine.processDoc(logon(200, 'bob', '10.0.0.1'));
    expect(later.map((c) => [c.alert.groupKey, c.alert.state, c.alert.resolved_at])).to.deep.equal([
      ['["bob","10.0.0.1"]', 'resolved', new Date(T0 + 60_001).toISOString()],
      ['["bob","10.0.0.2"]', 'resolved', new Date(T0 + 80_001).toISOString()],
    ]);
  });

  it('change: each change is an alert, realert holds back the repeats of a group, and the samples show both values', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(`rules:
  - id: host-ip-changed
    type: change
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    field: host.ip
    realert: 1m
`));
    const sent: string[] = [];
    const feed = (s: number, host: string, ip: string) => {
      for (const c of firing(engine.processDoc(beat(s, host, ip)))) sent.push(`${c.alert.groupKey}@${c.alert.fired_at}:${c.alert.samples.map((x) => x['host.ip']).join('>')}`);
    };
    feed(0, 'a', '10.0.0.1');
    feed(10, 'a', '10.0.0.1');
    feed(10, 'b', '10.0.0.7');
    feed(20, 'a', '10.0.0.2');
    feed(30, 'a', '10.0.0.3'); // 10 s after the last notification of group a: held back
    feed(80, 'a', '10.0.0.4'); // 60 s after it: sent
    feed(90, 'b', '10.0.0.7');
    expect(sent).to.deep.equal([
      `["a"]@${at(20)}:10.0.0.1>10.0.0.1>10.0.0.2`,
      `["a"]@${at(80)}:10.0.0.3>10.0.0.4`,
    ]);
  });

  it('test-rules: the examples of both types run', () => {
    const results = runExamples(rulesOf(`rules:
  - id: new-logon-source
    type: new_term
    where: 'event.code: 4624'
    fields: [user.name]
    history_warmup: 1h
    examples:
      - events:
          - { "@timestamp": "2026-01-01T10:00:00Z", "event.code": "4624", "user.name": "bob" }
          - { "@timestamp": "2026-01-01T10:30:00Z", "event.code": "4624", "user.name": "ann" }
          - { "@timestamp": "2026-01-01T11:00:00Z", "event.code": "4624", "user.name": "bob" }
          - { "@timestamp": "2026-01-01T11:00:01Z", "event.code": "4624", "user.name": "eve" }
        expect: 1
  - id: host-ip-changed
    type: change
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    field: host.ip
    window: 1m
    examples:
      - events:
          - { "@timestamp": "2026-01-01T10:00:00Z", "event.dataset": "app.heartbeat", "host.name": "a", "host.ip": "10.0.0.1" }
          - { "@timestamp": "2026-01-01T10:00:30Z", "event.dataset": "app.heartbeat", "host.name": "a", "host.ip": "10.0.0.2" }
          - { "@timestamp": "2026-01-01T10:02:00Z", "event.dataset": "app.heartbeat", "host.name": "a", "host.ip": "10.0.0.3" }
        expect: 1
`));
    expect(results.map((r) => [r.rule, r.got, r.pass])).to.deep.equal([['new-logon-source', 1, true], ['host-ip-changed', 1, true]]);
  });

  const NEW_TERM = `rules:
  - id: new-user
    type: new_term
    where: 'event.code: 4624'
    fields: [user.name]
    severity: low
`;
  const newUsers = (engine: RulesEngine, s: number, users: string[]) =>
    users.flatMap((u) => firing(engine.processDoc(logon(s, u, '10.0.0.1'))).map((c) => c.alert.group['user.name']));

  it('hot reload: an unchanged rule, or one edited only in its severity, keeps its history; an edit to what it detects starts afresh', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(NEW_TERM));
    expect(newUsers(engine, 0, ['bob', 'ann'])).to.deep.equal(['bob', 'ann']);
    engine.use(rulesOf(`${NEW_TERM}  - id: other\n    type: pattern\n    where: 'event.code: 1102'\n`));
    expect(newUsers(engine, 10, ['bob', 'eve'])).to.deep.equal(['eve']);
    engine.use(rulesOf(NEW_TERM.replace('severity: low', 'severity: high\n    notify_resolved: true\n    realert: 5m')));
    const c = firing(engine.processDoc(logon(20, 'ann', '10.0.0.1')).concat(engine.processDoc(logon(20, 'kim', '10.0.0.1'))));
    expect(c.map((x) => [x.alert.group['user.name'], x.alert.severity])).to.deep.equal([['kim', 'high']]);
    engine.use(rulesOf(NEW_TERM.replace('fields: [user.name]', 'fields: [user.name]\n    history: 7d')));
    expect(newUsers(engine, 30, ['bob', 'ann'])).to.deep.equal(['bob', 'ann']);
  });

  it('restart: the checkpointed state (through JSON) restores the history, also for a rule edited only in its severity', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(NEW_TERM));
    newUsers(engine, 0, ['bob', 'ann']);
    const saved = JSON.parse(JSON.stringify(engine.snapshot())) as unknown;
    for (const yaml of [NEW_TERM, NEW_TERM.replace('severity: low', 'severity: critical')]) {
      const next = new RulesEngine(silentLogger());
      next.restore(saved);
      next.use(rulesOf(yaml));
      expect(newUsers(next, 10, ['bob', 'ann', 'eve'])).to.deep.equal(['eve']);
    }
    const edited = new RulesEngine(silentLogger());
    edited.restore(saved);
    edited.use(rulesOf(NEW_TERM.replace("where: 'event.code: 4624'", "where: 'event.code: (4624 or 4648)'")));
    expect(newUsers(edited, 10, ['bob'])).to.deep.equal(['bob']);
  });

  it('status counts the terms remembered and those forgotten at the cap', () => {
    const engine = new RulesEngine(silentLogger());
    engine.use(rulesOf(NEW_TERM.replace('severity: low', 'max_terms: 2')));
    expect(newUsers(engine, 0, ['a', 'b', 'c'])).to.deep.equal(['a', 'b', 'c']);
    // a was forgotten for c: new again (once its first alert has resolved), and b goes
    expect(newUsers(engine, 400, ['a'])).to.deep.equal(['a']);
    expect(engine.status()).to.include({ new_terms_known: 2, new_terms_forgotten: 2 });
    expect(engine.counts()).to.include({ terms: 2, termsForgotten: 2 });
  });
});
