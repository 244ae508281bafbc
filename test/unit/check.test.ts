import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/runtime/check';

const RULES = `notifiers:
  ops: { type: email, to: [ops@example.com] }
  chat: { type: webhook, url: "https://hooks.example.com/x", secret: "\${CHAT_SECRET:-dev}" }
rules:
  - id: errors
    type: threshold
    where: 'log.level: error'
    threshold: 5
    window: 1m
    notify: [ops]
`;

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-check-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('vigil check (runCheck)', () => {
  it('prints OK for a valid rules file', () => {
    const cwd = project({ 'rules.yaml': RULES });
    const r = runCheck({ cwd, env: {} });
    expect(r.problems).to.deep.equal([]);
    expect(r.output).to.equal('rules.yaml: OK (1 rule, 2 notifiers)');
  });

  it('prints OK for both files', () => {
    const cwd = project({ 'rules.yaml': RULES, 'vigil.yaml': 'logging: { level: warn }\n' });
    const r = runCheck({ cwd, config: 'vigil.yaml', env: {} });
    expect(r.output).to.equal('rules.yaml: OK (1 rule, 2 notifiers)\nvigil.yaml: OK');
  });

  it('prints one file:line:col: message per problem, with the paths as given', () => {
    const cwd = project({
      'conf/rules.yaml': RULES.replace('window: 1m', 'window: 1x').replace('notify: [ops]', 'notify: [ops, pager]'),
      'conf/vigil.yaml': 'rules: rules.yaml\ninputs:\n  - type: file\n    pathz: [a]\n    paths: [b]\n',
    });
    const r = runCheck({ cwd, config: 'conf/vigil.yaml', env: {} });
    expect(r.output.split('\n')).to.deep.equal([
      'conf/rules.yaml:9:13: rules[0].window: invalid duration "1x": unknown unit "x" (use ms, s, m, h, d or w)',
      'conf/rules.yaml:10:19: unknown notifier "pager" (defined: ops, chat)',
      'conf/vigil.yaml:4:5: unknown key "pathz" in inputs[0] (expected one of: type, id, paths, exclude, dataset, timestamp_field, max_line_bytes, scan_interval, poll_interval, watch, close_inactive, max_open_files, fingerprint_bytes, ignore_older, follow_symlinks, workers)',
    ]);
    expect(r.problems).to.have.length(3);
    expect(r.problems[2]).to.deep.equal({
      file: 'conf/vigil.yaml',
      line: 4,
      col: 5,
      message: r.output.split('\n')[2].replace(/^conf\/vigil\.yaml:4:5: /, ''),
    });
  });

  it('an explicit rules path wins over the config, and stays as given', () => {
    const cwd = project({ 'other/r.yaml': RULES, 'vigil.yaml': 'rules: missing.yaml\n' });
    const r = runCheck({ cwd, rules: 'other/r.yaml', config: 'vigil.yaml', env: {} });
    expect(r.output).to.equal('other/r.yaml: OK (1 rule, 2 notifiers)\nvigil.yaml: OK');
    const abs = runCheck({ cwd: os.tmpdir(), rules: path.join(cwd, 'other/r.yaml'), env: {} });
    expect(abs.output).to.equal(`${path.join(cwd, 'other/r.yaml')}: OK (1 rule, 2 notifiers)`);
  });

  it('points at the fault inside a where: that is not valid KQL (line and column in rules.yaml)', () => {
    const cwd = project({ 'rules.yaml': RULES.replace("where: 'log.level: error'", "where: 'log.level: (error or'") });
    const r = runCheck({ cwd, env: {} });
    expect(r.output).to.match(/^rules\.yaml:7:33: invalid KQL in where: .*Expected "\)"/);
    const ok = project({ 'rules.yaml': RULES.replace("where: 'log.level: error'", "where: 'log.level: (error or critical) and not host.name: web-* and http.response.status_code >= 500'") });
    expect(runCheck({ cwd: ok, env: {} }).problems).to.deep.equal([]);
  });

  it('reports a missing file at 1:1', () => {
    const cwd = project({});
    const r = runCheck({ cwd, env: {} });
    expect(r.problems).to.have.length(1);
    expect(r.output).to.match(/^rules\.yaml:1:1: cannot read file: ENOENT/);
    const r2 = runCheck({ cwd, config: 'vigil.yaml', env: {} });
    expect(r2.output.split('\n')).to.have.length(2);
    expect(r2.output.split('\n')[1]).to.match(/^vigil\.yaml:1:1: cannot read file: ENOENT/);
  });

  it('still checks the rules a broken config points at', () => {
    const cwd = project({ 'rules.yaml': RULES, 'vigil.yaml': 'rules: rules.yaml\nlogging: { level: loud }\n' });
    const r = runCheck({ cwd, config: 'vigil.yaml', env: {} });
    expect(r.output).to.equal(
      'rules.yaml: OK (1 rule, 2 notifiers)\nvigil.yaml:2:19: logging.level must be one of: trace, debug, info, warn, error, fatal (got "loud")',
    );
  });

  it('uses the KQL validator when given', () => {
    const cwd = project({ 'rules.yaml': RULES });
    const r = runCheck({ cwd, env: {}, validateWhere: (w) => (w.includes(': error') ? { offset: w.indexOf('error'), message: 'nope' } : null) });
    expect(r.output).to.equal('rules.yaml:7:24: invalid KQL in where: nope');
  });

  it('never prints secrets', () => {
    const cwd = project({
      'rules.yaml': RULES,
      'vigil.yaml': 'elasticsearch:\n  url: "${ES_PASSWORD}"\n  username: u\n  password: "${ES_PASSWORD}"\n',
    });
    const r = runCheck({ cwd, config: 'vigil.yaml', env: { ES_PASSWORD: 'p@ss-w0rd-123' } });
    expect(r.output).to.equal('rules.yaml: OK (1 rule, 2 notifiers)\nvigil.yaml:2:8: elasticsearch.url is not an http(s) URL');
  });

  it('the API notifiers: problems at rules.yaml:line:col, never a key, secret or robot URL', () => {
    const cwd = project({
      'rules.yaml': [
        'notifiers:',
        '  pd: { type: pagerduty, routing_key: "${PD_KEY}", region: apac }',
        '  ding: { type: dingtalk, url: "${DING_URL}", secret: "${DING_SECRET}" }',
        '  genie: { type: opsgenie, api_key: "${GENIE_KEY}", responders: [{ type: user, name: ann }] }',
        'rules: []',
        '',
      ].join('\n'),
    });
    const env = { PD_KEY: 'pd-key-0123456789', DING_URL: 'oapi.dingtalk.com/robot/send?access_token=tok-0123456789', DING_SECRET: 'SEC0123456789', GENIE_KEY: 'genie-0123456789' };
    const r = runCheck({ cwd, env });
    expect(r.output.split('\n')).to.deep.equal([
      'rules.yaml:2:60: notifiers.pd.region must be one of: us, eu (got "apac")',
      'rules.yaml:3:32: notifiers.ding.url is not an http(s) URL',
      'rules.yaml:4:80: notifiers.genie.responders[0]: a user is named by id or username, not name',
    ]);
    for (const v of Object.values(env)) expect(r.output).not.to.contain(v);
  });
});
