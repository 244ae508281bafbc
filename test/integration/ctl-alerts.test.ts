import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { freePort } from '../helpers/free-port';
import { cliArgs } from '../helpers/daemon-command';
import { waitFor } from '../helpers/wait';

const T0 = Date.UTC(2026, 2, 1, 12);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** `vigil ctl ...` as a user runs it, from `cwd` (a folder that is not the daemon's). */
function ctl(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, cliArgs('ctl', ...args), { cwd, encoding: 'utf8', env: { ...process.env, VIGIL_CTL_URL: '', VIGIL_CTL_TOKEN_FILE: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('vigil ctl --config and ctl alerts, against a daemon on a non-default port', function () {
  this.timeout(90_000);
  let tmp: ReturnType<typeof tempDir>;
  let daemon: ChildProcess;
  let port: number;
  let config: string;
  let elsewhere: string;

  before(async () => {
    tmp = tempDir('ctl-alerts');
    port = await freePort();
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    elsewhere = join(tmp.path, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(tmp.path, 'rules.yaml'), [
      'rules:',
      '  - id: errors',
      "    type: threshold",
      "    where: 'log.level: error'",
      '    group_by: [service.name]',
      '    threshold: 3',
      '    window: 1h',
      '  - id: logons',
      '    type: pattern',
      "    where: 'event.code: 4624'",
      '',
    ].join('\n'));
    config = join(tmp.path, 'vigil.yaml');
    writeFileSync(config, [
      `state_dir: ./state`,
      `inputs: [{ type: file, id: app, paths: ["./logs/*.ndjson"], scan_interval: 100ms, poll_interval: 20ms }]`,
      `event_store: { dir: ./events }`,
      `outbox_dir: ./outbox`,
      `control: { listen: "127.0.0.1:${port}" }`,
      `logging: { level: warn }`,
      '',
    ].join('\n'));
    const lines = [
      { '@timestamp': at(0), 'log.level': 'error', 'service.name': 'payments', message: 'declined' },
      { '@timestamp': at(1), 'log.level': 'error', 'service.name': 'payments', message: 'declined' },
      { '@timestamp': at(2), 'log.level': 'error', 'service.name': 'payments', message: 'declined' },
      { '@timestamp': at(3), 'log.level': 'error', 'service.name': 'checkout', message: 'timeout' },
      { '@timestamp': at(4), 'log.level': 'error', 'service.name': 'checkout', message: 'timeout' },
      { '@timestamp': at(5), 'log.level': 'info', 'service.name': 'checkout', message: 'retry' },
      { '@timestamp': at(6), 'log.level': 'error', 'service.name': 'checkout', message: 'timeout' },
      { '@timestamp': at(7), 'log.level': 'error', 'service.name': 'checkout', message: 'timeout' },
    ];
    writeFileSync(join(logs, 'app.ndjson'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    daemon = spawn(process.execPath, cliArgs('run', '--config', config), { cwd: tmp.path, stdio: ['ignore', 'ignore', 'inherit'] });
    await waitFor(async () => {
      try { return (await fetch(`http://127.0.0.1:${port}/health`)).ok; } catch { return false; }
    }, 30_000, 'the daemon on its port');
  });

  after(async () => {
    daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode !== null ? r(null) : daemon.on('exit', r)));
    tmp.cleanup();
  });

  it('finds the daemon through the control section of --config (URL and token file), from any folder', async () => {
    const token = readFileSync(join(tmp.path, 'state', 'control.token'), 'utf8').trim();
    await waitFor(async () => {
      const st = await (await fetch(`http://127.0.0.1:${port}/status`, { headers: { authorization: `Bearer ${token}` } })).json() as { rules: { evaluated_events: number } };
      return st.rules.evaluated_events === 8;
    }, 30_000, 'the 8 events evaluated');
    const r = ctl(elsewhere, 'status', '--config', config);
    expect(r.code, r.err).to.equal(0);
    expect(JSON.parse(r.out).config).to.equal(config);
    // the same with a relative --config, and an explicit --url still wins (nothing listens there)
    expect(ctl(tmp.path, 'status', '--config', 'vigil.yaml').code).to.equal(0);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const viaUrl = ctl(elsewhere, 'status', '--config', config, '--url', dead);
    expect(viaUrl.code).to.equal(2);
    expect(viaUrl.err).to.contain(`cannot reach vigil at ${dead}: connection refused`);
  });

  it('ctl alerts lists the alerts firing (one silenced) and per rule the events matched and alerts fired and resolved; /status has the same', async () => {
    const s = ctl(elsewhere, 'silence', 'errors', '--for', '2h', '--group', 'service.name=checkout', '--config', config);
    expect(s.code, s.err).to.equal(0);
    const r = ctl(elsewhere, 'alerts', '--config', config);
    expect(r.code, r.err).to.equal(0);
    // payments fired at its 3rd error (2 s), checkout at its 3rd (6 s); the info line is not matched
    expect(r.out).to.equal([
      '2 alerts firing:',
      '  rule    group                  since                     count  silenced',
      `  errors  service.name=payments  ${at(2)}      3  no`,
      `  errors  service.name=checkout  ${at(6)}      3  yes`,
      '',
      'per rule, since it was loaded:',
      '  rule    matched  fired  resolved  firing',
      '  errors        7      2         0       2',
      '  logons        0      0         0       0',
      '',
    ].join('\n'));
    const token = readFileSync(join(tmp.path, 'state', 'control.token'), 'utf8').trim();
    const st = await (await fetch(`http://127.0.0.1:${port}/status`, { headers: { authorization: `Bearer ${token}` } })).json() as { alerts: { firing: Array<Record<string, unknown>>; rules: unknown[] } };
    expect(st.alerts.firing.map(({ id: _id, ...a }) => a)).to.deep.equal([
      { rule: 'errors', group: { 'service.name': 'payments' }, since: at(2), count: 3, silenced: false },
      { rule: 'errors', group: { 'service.name': 'checkout' }, since: at(6), count: 3, silenced: true },
    ]);
    expect(st.alerts.rules).to.deep.equal([
      { rule: 'errors', matched: 7, fired: 2, resolved: 0, firing: 2 },
      { rule: 'logons', matched: 0, fired: 0, resolved: 0, firing: 0 },
    ]);
  });

  it('a --config with a bad control section is reported at its line, and nothing is queried', () => {
    const bad = join(elsewhere, 'bad.yaml');
    writeFileSync(bad, 'control:\n  listen: "nowhere"\n');
    const r = ctl(elsewhere, 'status', '--config', bad);
    expect(r.code).to.equal(1);
    expect(r.err).to.contain('bad.yaml:2:11: control.listen "nowhere" must be host:port');
  });
});
