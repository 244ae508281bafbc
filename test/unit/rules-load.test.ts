import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/runtime/config/load';
import { DURATION_PATTERN } from '../../src/core/units';
import rulesSchema from '../../rules/rules.schema.json';
import { loadRulesFile, parseRulesText, redactRules } from '../../rules/load/rules-file';
import type { LoadedRules, RulesLoadOptions, WebhookNotifierDef, WhereValidator } from '../../rules/types';

/** The rules.yaml of SPEC section 3, verbatim. */
const SPEC_RULES = `defaults:                 # optional; any rule key may be set here
  realert: 5m             # after a notification, the same rule+group stays quiet this long
  notify: [ops-email]

notifiers:                # where alerts go; connection secrets live in vigil.yaml or the environment
  ops-email: { type: email, to: [ops@example.com], cc: [], subject: "[{{severity}}] {{rule}} on {{group}}" }
  chat:      { type: webhook, url: "https://hooks.example.com/services/X", format: slack, secret: "\${CHAT_HMAC_SECRET}" }

rules:
  - id: failed-logon-burst          # unique, [a-z0-9-]+
    description: Many failed logons for one account
    type: threshold                  # pattern | threshold | spike | flatline
    where: 'event.code: 4625 and winlog.channel: Security'   # a query in Kibana's query language (KQL)
    group_by: [winlog.event_data.TargetUserName]
    threshold: 20                    # fire when count >= 20 ...
    window: 5m                       # ... within any 5-minute span of event time
    severity: high                   # info | low | medium | high | critical
    notify: [ops-email, chat]
    notify_resolved: true
    examples:                        # used by \`vigil test-rules\`
      - events: [{ "@timestamp": "2026-01-01T10:00:00Z", "event.code": "4625", "winlog.channel": "Security", "winlog.event_data.TargetUserName": "bob" }]
        repeat: 20                   # the event 20 times, 1 s apart
        expect: 1                    # alerts expected

  - id: payments-error-spike
    type: spike
    where: 'log.level: error and service.name: "payments"'
    window: 1m                       # the current window ...
    baseline: 30m                    # ... against the average per 1m window over the 30m before it
    ratio: 3                         # fire when current >= 3 x baseline average
    min_count: 10                    # and the current window has at least 10 events

  - id: out-of-memory
    type: pattern
    where: 'message: *OutOfMemory* or message: "ENOMEM"'
    regex: { field: message, pattern: 'java\\.lang\\.OutOfMemoryError|ENOMEM' }   # optional, ANDed with where

  - id: heartbeat-missing
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 10m
    threshold: 1                     # fire when a group seen before has fewer than 1 event in the window
`;

const ENV = { CHAT_HMAC_SECRET: 'hmac-secret-value' };

function ok(text: string, opts: RulesLoadOptions = {}): LoadedRules {
  const r = parseRulesText(text, 'rules.yaml', { env: ENV, ...opts });
  expect(r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).to.deep.equal([]);
  return r.rules as LoadedRules;
}

function problems(text: string, opts: RulesLoadOptions = {}): string[] {
  const r = parseRulesText(text, 'rules.yaml', { env: ENV, ...opts });
  if (r.problems.length) expect(r.rules).to.equal(undefined);
  for (const p of r.problems) expect(p.file).to.equal('rules.yaml');
  return r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

const lines = (...l: string[]): string => l.join('\n') + '\n';

describe('rules loading: the SPEC example', () => {
  it('loads with durations in ms, defaults merged and notifiers resolved', () => {
    const r = ok(SPEC_RULES);
    expect(r.rules.map((x) => x.id)).to.deep.equal(['failed-logon-burst', 'payments-error-spike', 'out-of-memory', 'heartbeat-missing']);
    expect(Object.keys(r.notifiers)).to.deep.equal(['ops-email', 'chat']);
    expect(r.defaults).to.deep.equal({ realert: '5m', notify: ['ops-email'] });

    const [burst, spike, oom, flat] = r.rules;
    expect(burst).to.deep.include({
      type: 'threshold',
      description: 'Many failed logons for one account',
      where: 'event.code: 4625 and winlog.channel: Security',
      group_by: ['winlog.event_data.TargetUserName'],
      threshold: 20,
      window_ms: 300_000,
      severity: 'high',
      notify: ['ops-email', 'chat'],
      notify_resolved: true,
      realert_ms: 300_000,
      allowed_lateness_ms: 60_000,
      enabled: true,
      direction: 'up',
      file: 'rules.yaml',
      line: 10,
      col: 9,
      where_line: 13,
      where_col: 13,
    });
    expect(burst.examples).to.deep.equal([
      {
        events: [{ '@timestamp': '2026-01-01T10:00:00Z', 'event.code': '4625', 'winlog.channel': 'Security', 'winlog.event_data.TargetUserName': 'bob' }],
        repeat: 20,
        every_ms: 1000,
        expect: 1,
        line: 21,
        col: 9,
      },
    ]);
    expect(spike).to.deep.include({ type: 'spike', window_ms: 60_000, baseline_ms: 1_800_000, ratio: 3, min_count: 10, notify: ['ops-email'], severity: 'medium' });
    expect(oom.regex).to.deep.equal({ field: 'message', pattern: 'java\\.lang\\.OutOfMemoryError|ENOMEM', flags: '' });
    expect(oom.notify_resolved).to.equal(false);
    expect(flat).to.deep.include({ type: 'flatline', window_ms: 600_000, threshold: 1, group_by: ['host.name'], line: 38, col: 9 });

    expect(r.notifiers['ops-email']).to.deep.equal({
      name: 'ops-email',
      type: 'email',
      to: ['ops@example.com'],
      cc: [],
      bcc: [],
      subject: '[{{severity}}] {{rule}} on {{group}}',
      line: 6,
      col: 3,
    });
    expect(r.notifiers.chat).to.deep.equal({
      name: 'chat',
      type: 'webhook',
      url: 'https://hooks.example.com/services/X',
      format: 'slack',
      method: 'POST',
      headers: {},
      secret: 'hmac-secret-value',
      timeout_ms: 10_000,
      line: 7,
      col: 3,
    });
  });

  it('fingerprints change with the definition only', () => {
    const a = ok(SPEC_RULES).rules;
    const b = ok(SPEC_RULES).rules;
    expect(a.map((r) => r.fingerprint)).to.deep.equal(b.map((r) => r.fingerprint));
    expect(new Set(a.map((r) => r.fingerprint)).size).to.equal(4);
    // moving a rule and changing its examples keeps its fingerprint; changing its threshold does not
    const moved = ok('\n\n' + SPEC_RULES.replace('repeat: 20 ', 'repeat: 25 ')).rules;
    expect(moved[0].fingerprint).to.equal(a[0].fingerprint);
    expect(moved[0].line).to.equal(12);
    const changed = ok(SPEC_RULES.replace('threshold: 20', 'threshold: 21')).rules;
    expect(changed[0].fingerprint).not.to.equal(a[0].fingerprint);
    expect(changed[1].fingerprint).to.equal(a[1].fingerprint);
    // a change in the defaults changes the rules that inherit it
    const realert = ok(SPEC_RULES.replace('realert: 5m ', 'realert: 6m ')).rules;
    expect(realert.every((r, i) => r.fingerprint !== a[i].fingerprint)).to.equal(true);
  });

  it('loads a file, and throws ConfigError on problems', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rules-'));
    fs.writeFileSync(path.join(dir, 'rules.yaml'), SPEC_RULES);
    const r = loadRulesFile('rules.yaml', { cwd: dir, env: ENV });
    expect(r.rules).to.have.length(4);
    expect(r.source).to.equal('rules.yaml');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'rules: 3\n');
    expect(() => loadRulesFile(path.join(dir, 'bad.yaml'), { env: ENV }))
      .to.throw(ConfigError)
      .with.property('message', `${path.join(dir, 'bad.yaml')}:1:8: rules[0] must be a mapping, got an integer`);
    const missing = (() => {
      try {
        loadRulesFile('nope.yaml', { cwd: dir });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a throw');
    })();
    expect(missing.problems[0]).to.include({ file: 'nope.yaml', line: 1, col: 1 });
    expect(missing.problems[0].message).to.match(/^cannot read file: ENOENT/);
  });

  it('rules/rules.schema.json uses the duration syntax of parseDuration', () => {
    expect(rulesSchema.definitions.duration.pattern).to.equal(DURATION_PATTERN);
    const re = new RegExp(DURATION_PATTERN);
    for (const ok of ['30s', '5m', '1h30m', '500ms', '1m 30s', '10', '1.5h']) expect(re.test(ok), ok).to.equal(true);
    for (const bad of ['5x', '5M', '1h30', '', 'm']) expect(re.test(bad), bad).to.equal(false);
  });

  it('keeps a rule\'s references, which change what its alerts say, not what it detects', () => {
    const plain = ok(lines('rules:', '  - { id: a, type: pattern, where: "x: 1" }')).rules[0];
    const withRefs = ok(lines('rules:', '  - { id: a, type: pattern, where: "x: 1", references: [https://example.org/a, https://example.org/b] }')).rules[0];
    expect(withRefs.references).to.deep.equal(['https://example.org/a', 'https://example.org/b']);
    expect(plain.references).to.equal(undefined);
    expect(withRefs.detection_fingerprint).to.equal(plain.detection_fingerprint);
    expect(withRefs.fingerprint).to.not.equal(plain.fingerprint);
    expect(problems(lines('rules:', '  - { id: a, type: pattern, where: "x: 1", references: [""] }'))).to.have.length(1);
  });

  it('accepts an empty file', () => {
    const r = ok('# no rules yet\n');
    expect(r.rules).to.deep.equal([]);
    expect(r.notifiers).to.deep.equal({});
  });
});

describe('rules problems with positions', () => {
  it('YAML syntax errors', () => {
    expect(problems('rules:\n  - id: a\n   type: pattern\n')).to.deep.equal(['3:1: Sequence item without - indicator']);
    expect(problems('rules:\n  - id: a\n    where: a: b\n')).to.deep.equal(['3:12: Nested mappings are not allowed in compact mappings']);
    expect(problems("rules:\n  - id: 'unterminated\n")).to.deep.equal(['3:1: Missing closing \'quote']);
  });

  it('unknown keys, at the key', () => {
    expect(problems(lines('rules:', '  - id: a', '    type: threshold', '    threshold: 2', '    windw: 5m', '    window: 5m'))).to.deep.equal([
      '5:5: unknown key "windw" in rules[0] (expected one of: id, description, references, type, where, regex, group_by, threshold, window, baseline, ratio, min_count, direction, fields, history, history_warmup, max_terms, severity, notify, notify_resolved, realert, group_window, allowed_lateness, enabled, tags, include, top_count_keys, field, max, min, agg, above, below, exact_limit, of, examples)',
    ]);
    expect(problems(lines('rule:', '  - id: a'))).to.deep.equal(['1:1: unknown key "rule" (expected one of: defaults, notifiers, rules)']);
    expect(problems(lines('notifiers:', '  x: {type: email, to: [a@b], subjekt: hi}'))).to.deep.equal([
      '2:31: unknown key "subjekt" in notifiers.x (expected one of: type, to, cc, bcc, from, subject, body)',
    ]);
  });

  it('wrong types and values, at the value', () => {
    expect(problems(lines('rules:', '  - id: a', '    type: threshold', '    threshold: lots', '    window: 5m'))).to.deep.equal([
      '4:16: rules[0].threshold must be a number, got a string',
    ]);
    expect(problems(lines('rules:', '  - id: a', '    type: pattern', '    where: "x: 1"', '    severity: urgent'))).to.deep.equal([
      '5:15: rules[0].severity must be one of: info, low, medium, high, critical (got "urgent")',
    ]);
    expect(problems(lines('rules:', '  - id: a', '    type: sometimes'))).to.deep.equal([
      '3:11: rules[0].type must be one of: pattern, threshold, spike, flatline, new_term, change, cardinality, metric, ratio (got "sometimes")',
    ]);
    expect(problems(lines('rules:', '  - id: Bad_Id', '    type: pattern', '    where: x'))).to.deep.equal([
      '2:9: rules[0].id: rule id "Bad_Id" may contain only lower-case letters, digits and "-"',
    ]);
    expect(problems(lines('rules:', '  - type: pattern', '    where: x'))).to.deep.equal(['2:5: missing required key "id" in rules[0]']);
    expect(problems(lines('notifiers:', '  pager: {type: sms}'))).to.deep.equal(['2:17: notifiers.pager.type must be one of: email, webhook, pagerduty, opsgenie, dingtalk, wecom, feishu (got "sms")']);
    expect(problems(lines('notifiers:', '  "bad name": {type: email, to: [a@b]}'))).to.deep.equal([
      '2:3: notifier name "bad name" may contain only letters, digits, "_", "." and "-"',
    ]);
  });

  it('duplicate rule ids, at the second one', () => {
    expect(problems(lines('rules:', '  - id: a', '    type: pattern', '    where: x', '  - id: a', '    type: pattern', '    where: y'))).to.deep.equal([
      '5:9: duplicate rule id "a" (first defined at line 2)',
    ]);
  });

  it('bad durations', () => {
    expect(problems(lines('rules:', '  - id: a', '    type: threshold', '    threshold: 3', '    window: 5 mins'))).to.deep.equal([
      '5:13: rules[0].window: invalid duration "5 mins": unknown unit "mins" (use ms, s, m, h, d or w)',
    ]);
    expect(problems(lines('defaults:', '  realert: soon', 'rules:', '  - id: a', '    type: pattern', '    where: x', '  - id: b', '    type: pattern', '    where: y'))).to.deep.equal([
      '2:12: defaults.realert: invalid duration "soon": expected a number followed by a unit, e.g. "30s", "5m", "2h", "1d", "1h30m"',
    ]);
  });

  it('keys a rule type needs', () => {
    expect(problems(lines('rules:', '  - id: a', '    type: threshold', '    threshold: 3'))).to.deep.equal(['2:5: threshold rule "a" needs "window"']);
    expect(problems(lines('rules:', '  - id: a', '    type: threshold'))).to.deep.equal(['2:5: threshold rule "a" needs "threshold" and "window"']);
    expect(problems(lines('rules:', '  - id: a', '    type: spike', '    window: 1m'))).to.deep.equal(['2:5: spike rule "a" needs "baseline"']);
    expect(problems(lines('rules:', '  - id: a', '    type: flatline', '    where: x'))).to.deep.equal(['2:5: flatline rule "a" needs "window"']);
    expect(problems(lines('rules:', '  - id: a', '    where: x'))).to.deep.equal(['2:5: rule "a" has no "type" (one of: pattern, threshold, spike, flatline, new_term, change, cardinality, metric, ratio)']);
    expect(problems(lines('rules:', '  - id: a', '    type: pattern'))).to.deep.equal(['2:5: pattern rule "a" needs "where" or "regex" (it would fire on every event)']);
    expect(problems(lines('rules:', '  - id: a', '    type: spike', '    window: 5m', '    baseline: 1m'))).to.deep.equal([
      '5:15: rules[0].baseline (1m) must be at least as long as window (5m)',
    ]);
    expect(problems(lines('rules:', '  - id: a', '    type: threshold', '    threshold: 0', '    window: 1m'))).to.deep.equal([
      '4:16: rules[0].threshold must be at least 1 for a threshold rule',
    ]);
    // keys may come from the defaults
    const r = ok(lines('defaults:', '  type: threshold', '  window: 2m', 'rules:', '  - id: a', '    threshold: 3'));
    expect(r.rules[0]).to.deep.include({ type: 'threshold', window_ms: 120_000, threshold: 3 });
  });

  it('unknown notifier names, at the name', () => {
    const text = lines(
      'defaults:',
      '  notify: [ops, pager]',
      'notifiers:',
      '  ops: {type: email, to: [ops@example.com]}',
      'rules:',
      '  - id: a',
      '    type: pattern',
      '    where: x',
      '  - id: b',
      '    type: pattern',
      '    where: x',
      '    notify: [ops, chat]',
    );
    expect(problems(text)).to.deep.equal(['2:17: unknown notifier "pager" (defined: ops)', '12:19: unknown notifier "chat" (defined: ops)']);
    expect(problems(lines('rules:', '  - id: a', '    type: pattern', '    where: x', '    notify: [ops]'))).to.deep.equal([
      '5:14: unknown notifier "ops" (no notifiers are defined)',
    ]);
  });

  it('invalid regexes and what RE2 lacks, at the pattern', () => {
    expect(problems(lines('rules:', '  - id: a', '    type: pattern', "    regex: { field: message, pattern: 'a(b' }"))).to.deep.equal([
      '4:40: invalid regex: Invalid regular expression: /a(b/: Unterminated group',
    ]);
    expect(problems(lines('rules:', '  - id: a', '    type: pattern', "    regex: { field: message, pattern: 'x', flags: 'gi' }"))).to.deep.equal([
      '4:51: rules[0].regex.flags: regex flags "gi" may only use i, m, s and u',
    ]);
    // the column of "\\1" inside the quoted pattern
    const bad = problems(lines('rules:', '  - id: a', '    type: pattern', '    regex:', '      field: message', "      pattern: '^error: (\\w+) \\1$'"));
    expect(bad).to.deep.equal([
      '6:31: the backreference "\\1" is not supported: rule regexes run on RE2 (linear time whatever the input), which has no backreferences',
    ]);
    const dq = problems(lines('rules:', '  - id: a', '    type: pattern', '    regex:', '      field: message', '      pattern: "\\"a(?!b)\\""'));
    expect(dq).to.deep.equal([
      '6:20: the lookahead "(?!b)" is not supported: rule regexes run on RE2 (linear time whatever the input), which has no lookahead or lookbehind',
    ]);
  });

  it('KQL errors at the column of the fault inside where', () => {
    const validateWhere: WhereValidator = (w) => {
      const i = w.indexOf('???');
      return i >= 0 ? { offset: i, message: 'unexpected "?"' } : null;
    };
    const text = lines(
      'rules:',
      '  - id: plain',
      '    type: pattern',
      '    where: message and ???',
      '  - id: single',
      '    type: pattern',
      "    where: 'it''s ???'",
      '  - id: double',
      '    type: pattern',
      '    where: "say \\"hi\\" ???"',
      '  - id: block',
      '    type: pattern',
      '    where: |',
      '      message: x',
      '      and ???',
      '  - id: fine',
      '    type: pattern',
      '    where: "message: x"',
    );
    expect(problems(text, { validateWhere })).to.deep.equal([
      '4:24: invalid KQL in where: unexpected "?"',
      '7:19: invalid KQL in where: unexpected "?"',
      '10:24: invalid KQL in where: unexpected "?"',
      '15:11: invalid KQL in where: unexpected "?"',
    ]);
    // the where string is passed as written; a throwing validator is reported at the start
    const seen: string[] = [];
    const r = ok(lines('rules:', '  - id: a', '    type: pattern', "    where: 'x: \"${NOT_ENV}\"'"), {
      validateWhere: (w) => {
        seen.push(w);
        return null;
      },
    });
    expect(seen).to.deep.equal(['x: "${NOT_ENV}"']);
    expect(r.rules[0].where).to.equal('x: "${NOT_ENV}"');
    expect(
      problems(lines('rules:', '  - id: a', '    type: pattern', '    where: x'), {
        validateWhere: () => {
          throw new Error('parser exploded');
        },
      }),
    ).to.deep.equal(['4:12: invalid KQL in where: parser exploded']);
  });

  it('reports a where inherited from defaults once, at the defaults', () => {
    const text = lines('defaults:', '  where: "???"', 'rules:', '  - id: a', '    type: pattern', '  - id: b', '    type: pattern');
    expect(problems(text, { validateWhere: () => ({ offset: 0, message: 'bad' }) })).to.deep.equal(['2:11: invalid KQL in where: bad']);
  });
});

describe('rules: environment and secrets', () => {
  const text = lines(
    'notifiers:',
    '  hook:',
    '    type: webhook',
    '    url: ${HOOK_URL:-https://hooks.example.com/x}',
    '    secret: ${CHAT_HMAC_SECRET}',
    '    headers: { Authorization: "Bearer ${API_TOKEN}", X-Team: ops }',
    '    timeout: 3s',
    '    retries: 5',
  );

  it('substitutes in notifiers', () => {
    const r = ok(text, { env: { CHAT_HMAC_SECRET: 'hmac-1234', API_TOKEN: 'tok-9876' } });
    const hook = r.notifiers.hook as WebhookNotifierDef;
    expect(hook).to.deep.include({
      url: 'https://hooks.example.com/x',
      secret: 'hmac-1234',
      headers: { Authorization: 'Bearer tok-9876', 'X-Team': 'ops' },
      timeout_ms: 3000,
      retries: 5,
    });
    const red = JSON.stringify(redactRules(r));
    expect(red).not.to.contain('hmac-1234');
    expect(red).not.to.contain('tok-9876');
    expect(red).to.contain('"X-Team":"ops"');
  });

  it('reports unset variables unless told to use empty strings', () => {
    expect(problems(text, { env: {} })).to.deep.equal([
      '5:13: environment variable CHAT_HMAC_SECRET is not set',
      '6:39: environment variable API_TOKEN is not set',
    ]);
    const r = ok(text, { env: {}, unsetEnv: 'empty' });
    expect((r.notifiers.hook as WebhookNotifierDef).secret).to.equal(undefined);
  });

  it('does not echo secrets in problems', () => {
    const ps = problems(lines('notifiers:', '  hook: {type: webhook, url: "${HOOK_SECRET_URL}"}'), { env: { HOOK_SECRET_URL: 'not a url at all' } });
    expect(ps).to.deep.equal(['2:30: notifiers.hook.url is not an http(s) URL']);
  });
});
