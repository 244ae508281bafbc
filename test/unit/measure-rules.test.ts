import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRulesText } from '../../rules/load/rules-file';
import type { LoadedRules } from '../../rules/types';
import { validateWhere } from '../../rules/kql/validate-where';
import { RulesEngine } from '../../rules/engine';
import { runExamples } from '../../rules/run-examples';
import { runCheck } from '../../src/runtime/check';
import { silentLogger } from '../../src/core/log';
import type { AlertChange } from '../../rules/alerts/lifecycle';
import { summaryRows } from '../../sinks/notify/view/alert-summary';

/** cardinality, metric and ratio as rules.yaml holds them: loading, `vigil check`, the engine, reloads and examples. */

/** the three rules of SPEC 3.3, verbatim */
const SPEC_EXAMPLES = `rules:
  - { id: password-spray, type: cardinality, where: 'event.code: 4625', group_by: [source.ip], field: user.name, max: 20, window: 10m }
  - { id: slow-api, type: metric, where: 'service.name: api', field: http.response.time, agg: p95, above: 500, window: 5m }
  - { id: error-rate, type: ratio, of: 'service.name: web', where: 'log.level: error', threshold: 0.05, min_count: 100, window: 5m }
`;

function load(yaml: string): { rules?: LoadedRules; problems: string[] } {
  const { rules, problems } = parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
  return { rules, problems: problems.map((p) => `${p.line}:${p.col}: ${p.message}`) };
}

function rulesOf(yaml: string): LoadedRules {
  const r = load(yaml);
  expect(r.problems).to.deep.equal([]);
  return r.rules!;
}

const T0 = Date.UTC(2026, 0, 1, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe('cardinality, metric and ratio rules', () => {
  describe('loading', () => {
    it('loads the examples of SPEC 3.3 as written, with their defaults', () => {
      const rules = rulesOf(SPEC_EXAMPLES).rules;
      const pick = (id: string) => {
        const r = rules.find((x) => x.id === id)!;
        return { field: r.field, max: r.max, min: r.min, agg: r.agg, above: r.above, below: r.below, of: r.of, where: r.where, threshold: r.threshold, min_count: r.min_count, exact_limit: r.exact_limit, window_ms: r.window_ms };
      };
      const none = { field: undefined, max: undefined, min: undefined, agg: undefined, above: undefined, below: undefined, of: undefined, threshold: undefined, min_count: undefined, exact_limit: undefined };
      expect(pick('password-spray')).to.deep.equal({ ...none, field: 'user.name', max: 20, where: 'event.code: 4625', exact_limit: 10_000, window_ms: 600_000 });
      expect(pick('slow-api')).to.deep.equal({ ...none, field: 'http.response.time', agg: 'p95', above: 500, where: 'service.name: api', min_count: 1, exact_limit: 10_000, window_ms: 300_000 });
      expect(pick('error-rate')).to.deep.equal({ ...none, of: 'service.name: web', where: 'log.level: error', threshold: 0.05, min_count: 100, window_ms: 300_000 });
    });

    it('reports a bad "of" query at its character, and each missing or contradictory option at its place', () => {
      const text = [
        'rules:',
        '  - id: error-rate',
        '    type: ratio',
        "    of: 'service.name: (web or'",
        "    where: 'log.level: error'",
        '    threshold: 5',
        '    window: 5m',
        '  - id: spray',
        '    type: cardinality',
        '    field: user.name',
        '    window: 10m',
        '  - id: slow',
        '    type: metric',
        '    field: http.response.time',
        '    above: 100',
        '    below: 200',
        '    window: 5m',
        '  - id: odd',
        '    type: cardinality',
        '    field: user.name',
        '    max: 3',
        '    min: 4',
        '    window: 10m',
        '  - id: base-only',
        '    type: ratio',
        "    of: 'service.name: web'",
        '    threshold: 0.1',
        '    window: 5m',
      ].join('\n');
      expect(load(text).problems).to.deep.equal([
        // the query starts in column 10 (after the quote); its 21 characters end before column 31
        '4:31: invalid KQL in of: KQL syntax error at column 22: Expected ")", and, or, or whitespace but end of input found.',
        '6:16: rules[0].threshold of a ratio rule is a fraction of the "of" events: more than 0, at most 1 (0.05 is 5%)',
        '8:5: cardinality rule "spray" needs "max" or "min"',
        '12:5: metric rule "slow" needs "agg"',
        '16:12: rules[2].below (200) must not be above "above" (100): every value would fire',
        '22:10: rules[3].min (4) must not be above max (3): every window would fire',
        '24:5: ratio rule "base-only" needs "where"',
      ]);
    });

    it('checks the new keys against the schema: agg, max, exact_limit', () => {
      const base = "rules:\n  - { id: a, type: metric, where: 'x: 1', field: f, window: 1m, agg: p90, above: 1 }\n";
      expect(load(base).problems).to.deep.equal(['2:70: rules[0].agg must be one of: avg, min, max, sum, p50, p95, p99 (got "p90")']);
      expect(load("rules:\n  - { id: a, type: cardinality, field: f, window: 1m, max: 0, exact_limit: 1.5 }\n").problems).to.deep.equal([
        '2:60: rules[0].max must be >= 1 (got 0)',
        '2:76: rules[0].exact_limit must be an integer, got a number',
      ]);
    });

    it('a bad "of" in defaults is reported once, where it is written', () => {
      const text = "defaults:\n  of: 'a: ('\nrules:\n  - { id: r1, type: ratio, where: 'x: 1', threshold: 0.5, window: 1m }\n  - { id: r2, type: ratio, where: 'x: 2', threshold: 0.5, window: 1m }\n";
      const { problems } = load(text);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^2:12: invalid KQL in of: /);
    });

    it('vigil check prints the position of a bad "of"', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-check-of-'));
      try {
        fs.writeFileSync(path.join(dir, 'rules.yaml'), SPEC_EXAMPLES.replace("of: 'service.name: web'", "of: 'service.name: (web'"));
        const r = runCheck({ cwd: dir, env: {} });
        // line 4: \`of: '\` starts at column 36, the query at 41, and it ends (18 characters) before column 59
        expect(r.output).to.match(/^rules\.yaml:4:59: invalid KQL in of: /);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('in the engine', () => {
    it('password spray: one source address trying a fourth account within the window fires once', () => {
      const engine = new RulesEngine(silentLogger());
      engine.use(rulesOf(SPEC_EXAMPLES.replace('max: 20', 'max: 4')));
      const out: AlertChange[] = [];
      const logon = (s: number, ip: string, u: string) => out.push(...engine.processDoc({ '@timestamp': at(s), event: { code: '4625' }, source: { ip }, user: { name: u } }));
      logon(0, '10.0.0.1', 'alice');
      logon(10, '10.0.0.1', 'bob');
      logon(20, '10.0.0.2', 'carol'); // another source: another group
      logon(30, '10.0.0.1', 'alice');
      logon(40, '10.0.0.1', 'carol');
      expect(out).to.deep.equal([]);
      logon(50, '10.0.0.1', 'dave');
      expect(out.map((c) => [c.alert.rule, c.alert.state, c.alert.group, c.alert.count, c.alert.value, c.alert.reference])).to.deep.equal([
        ['password-spray', 'firing', { 'source.ip': '10.0.0.1' }, 5, 4, 4],
      ]);
      expect(out[0].alert.window).to.deep.equal({ start: new Date(T0 + 50_000 - 600_000 + 1).toISOString(), end: new Date(T0 + 50_001).toISOString() });
      logon(60, '10.0.0.1', 'erin');
      expect(out).to.have.length(1);
    });

    it('metric: numeric strings count, other values do not; the alert carries the aggregate', () => {
      const engine = new RulesEngine(silentLogger());
      engine.use(rulesOf(SPEC_EXAMPLES));
      const out: AlertChange[] = [];
      const req = (s: number, time: unknown) => out.push(...engine.processDoc({ '@timestamp': at(s), service: { name: 'api' }, http: { response: { time } } }));
      for (let i = 0; i < 18; i++) req(i, i % 2 ? 120 : '80');
      req(18, 'slow'); // not a number: no value
      req(19, null);
      expect(out).to.deep.equal([]);
      // 19 values (9 of them numeric strings): p95 is the value at rank ceil(18.05) = 19, the 900
      req(20, 900);
      expect(out.map((c) => [c.alert.rule, c.alert.count, c.alert.value, c.alert.reference])).to.deep.equal([['slow-api', 19, 900, 500]]);
      // what every notification says: the measure beside its bound
      const rows = Object.fromEntries(summaryRows(out[0].alert).map((r) => [r.label, r.value]));
      expect([rows.Count, rows.Value]).to.deep.equal(['19', '900 (bound 500)']);
    });

    it('ratio: where is evaluated on the base events only; samples and the Kibana query are the matching ones', () => {
      const engine = new RulesEngine(silentLogger());
      engine.use(rulesOf(SPEC_EXAMPLES.replace('min_count: 100', 'min_count: 20')));
      const out: AlertChange[] = [];
      const ev = (s: number, service: string, level: string) => out.push(...engine.processDoc({ '@timestamp': at(s), service: { name: service }, log: { level }, message: `${service} ${level} ${s}` }));
      for (let i = 0; i < 19; i++) ev(i, 'web', i === 3 ? 'error' : 'info');
      ev(19, 'api', 'error'); // an error outside the base: neither counted nor a sample
      expect(out).to.deep.equal([]);
      ev(20, 'web', 'info'); // 20 base events, 1 error: 0.05
      expect(out.map((c) => [c.alert.rule, c.alert.count, c.alert.value, c.alert.reference])).to.deep.equal([['error-rate', 20, 0.05, 0.05]]);
      const a = out[0].alert;
      expect(a.samples.map((s) => s.message)).to.deep.equal(['web error 3']);
      expect(a.first_event).to.equal(at(3));
      expect(a.query).to.equal('((service.name: web) and (log.level: error))');
    });

    it('hot reload keeps the windows of an unchanged rule; a changed "of" starts afresh', () => {
      const yaml = SPEC_EXAMPLES.replace('min_count: 100', 'min_count: 4').replace('threshold: 0.05', 'threshold: 0.5');
      const engine = new RulesEngine(silentLogger());
      engine.use(rulesOf(yaml));
      const ev = (s: number, level: string) => engine.processDoc({ '@timestamp': at(s), service: { name: 'web' }, log: { level } });
      expect([...ev(0, 'error'), ...ev(1, 'info'), ...ev(2, 'error')]).to.deep.equal([]);
      // an unrelated rule added, the file reordered: the ratio rule keeps its 3 events
      engine.use(rulesOf(`${yaml}  - { id: other, type: pattern, where: 'event.code: 1102' }\n`.replace(/^(rules:\n)(.*\n)(.*\n)(.*\n)/, '$1$4$2$3')));
      expect(ev(3, 'info').map((c) => [c.alert.rule, c.alert.count, c.alert.value])).to.deep.equal([['error-rate', 4, 0.5]]);
      // a changed base is another rule: its window starts empty
      engine.use(rulesOf(yaml.replace("of: 'service.name: web'", "of: 'service.name: (web or www)'")));
      expect([...ev(4, 'error'), ...ev(5, 'info'), ...ev(6, 'error')]).to.deep.equal([]);
      expect(ev(7, 'info').map((c) => [c.alert.rule, c.alert.count])).to.deep.equal([['error-rate', 4]]);
    });

    it('restarts from a checkpoint with the windows of all three types', () => {
      const rules = rulesOf(SPEC_EXAMPLES.replace('max: 20', 'max: 3').replace('min_count: 100', 'min_count: 4'));
      const docs: Array<Record<string, unknown>> = [
        { '@timestamp': at(0), event: { code: '4625' }, source: { ip: 'x' }, user: { name: 'a' } },
        { '@timestamp': at(1), service: { name: 'api' }, http: { response: { time: 700 } } },
        { '@timestamp': at(2), service: { name: 'web' }, log: { level: 'error' } },
        { '@timestamp': at(3), event: { code: '4625' }, source: { ip: 'x' }, user: { name: 'b' } },
        { '@timestamp': at(4), service: { name: 'web' }, log: { level: 'info' } },
        { '@timestamp': at(5), service: { name: 'web' }, log: { level: 'info' } },
        // after the checkpoint
        { '@timestamp': at(6), event: { code: '4625' }, source: { ip: 'x' }, user: { name: 'c' } },
        { '@timestamp': at(7), service: { name: 'web' }, log: { level: 'error' } },
      ];
      const first = new RulesEngine(silentLogger());
      first.use(rules);
      const before = docs.slice(0, 6).flatMap((d) => first.processDoc(d));
      expect(before.map((c) => c.alert.rule)).to.deep.equal(['slow-api']);
      const second = new RulesEngine(silentLogger());
      second.restore(JSON.parse(JSON.stringify(first.snapshot())));
      second.use(rules);
      const after = docs.slice(6).flatMap((d) => second.processDoc(d));
      expect(after.map((c) => [c.alert.rule, c.alert.count, c.alert.value])).to.deep.equal([['password-spray', 3, 3], ['error-rate', 4, 0.5]]);
    });
  });

  it('vigil test-rules runs the examples of each type', () => {
    const rules = rulesOf(`rules:
  - id: spray
    type: cardinality
    where: 'event.code: 4625'
    group_by: [source.ip]
    field: user.name
    max: 3
    window: 1m
    examples:
      - events:
          - { "@timestamp": "2026-01-01T10:00:00Z", "event.code": "4625", "source.ip": "10.1.1.1", "user.name": "alice" }
          - { "@timestamp": "2026-01-01T10:00:10Z", "event.code": "4625", "source.ip": "10.1.1.1", "user.name": "bob" }
          - { "@timestamp": "2026-01-01T10:00:20Z", "event.code": "4625", "source.ip": "10.1.1.1", "user.name": "carol" }
        expect: 1
      - events: [{ "@timestamp": "2026-01-01T10:00:00Z", "event.code": "4625", "source.ip": "10.1.1.1", "user.name": "alice" }]
        repeat: 10
        expect: 0
  - id: slow
    type: metric
    where: 'service.name: api'
    field: http.response.time
    agg: avg
    above: 500
    window: 1m
    examples:
      - events: [{ "@timestamp": "2026-01-01T10:00:00Z", "service.name": "api", "http.response.time": 501 }]
        expect: 1
      - events: [{ "@timestamp": "2026-01-01T10:00:00Z", "service.name": "api", "http.response.time": 500 }]
        expect: 0
  - id: errors
    type: ratio
    of: 'service.name: web'
    where: 'log.level: error'
    threshold: 0.5
    min_count: 2
    window: 1m
    examples:
      - events:
          - { "@timestamp": "2026-01-01T10:00:00Z", "service.name": "web", "log.level": "error" }
          - { "@timestamp": "2026-01-01T10:00:01Z", "service.name": "web", "log.level": "info" }
        expect: 1
      - events:
          - { "@timestamp": "2026-01-01T10:00:00Z", "service.name": "web", "log.level": "error" }
          - { "@timestamp": "2026-01-01T10:00:01Z", "service.name": "api", "log.level": "info" }
        expect: 0
`);
    expect(runExamples(rules).map((r) => [r.rule, r.example, r.got, r.pass])).to.deep.equal([
      ['spray', 1, 1, true], ['spray', 2, 0, true],
      ['slow', 1, 1, true], ['slow', 2, 0, true],
      ['errors', 1, 1, true], ['errors', 2, 0, true],
    ]);
  });
});
