import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { tempDir } from '../helpers/temp-dir';
import { testConfig, testConfigYaml } from '../helpers/config';
import { countStore } from '../helpers/event-store';
import { cliArgs } from '../helpers/daemon-command';
import { testLogger } from '../helpers/logger';
import { waitFor, sleep } from '../helpers/wait';

const T0 = Date.UTC(2026, 2, 1, 12);

/** the firing alerts in an outbox folder (rules without notifiers are recorded in sent/ at once), as "rule group" */
function firing(dir: string): string[] {
  const files: string[] = [];
  for (const d of [dir, join(dir, 'sent')]) {
    try { files.push(...readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f))); } catch { /* not there yet */ }
  }
  return files
    .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { alert: { rule: string; state: string; groupKey: string } }).alert)
    .filter((a) => a.state === 'firing')
    .map((a) => `${a.rule} ${a.groupKey}`)
    .sort();
}

const RULES = `rules:
  - id: new-user
    type: new_term
    where: 'event.code: 4624'
    fields: [user.name]
    realert: 0s
  - id: host-ip-changed
    type: change
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    field: host.ip
    realert: 0s
`;

/** line n: even n a logon of `user(n)`, odd n a heartbeat of host a with `ip(n)`; 2 s apart */
function lines(from: number, to: number, user: (n: number) => string, ip: (n: number) => string): string {
  let out = '';
  for (let n = from; n < to; n++) {
    const ts = new Date(T0 + n * 2000).toISOString();
    const doc = n % 2 === 0
      ? { '@timestamp': ts, event: { code: '4624' }, user: { name: user(n) }, n }
      : { '@timestamp': ts, event: { dataset: 'app.heartbeat' }, host: { name: 'a', ip: ip(n) }, n };
    out += `${JSON.stringify(doc)}\n`;
  }
  return out;
}

describe('new_term and change rules in the daemon', function () {
  this.timeout(120_000);

  it('SIGKILL between checkpoints, restart: each new term and the change alert once, the history restored', async () => {
    const tmp = tempDir('new-term-crash');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    // short alerts: the first ones have ended before the restart, so a history lost would fire them again
    writeFileSync(join(tmp.path, 'rules.yaml'), RULES.replace('    realert: 0s\n', '    realert: 0s\n    window: 10s\n    allowed_lateness: 5s\n'));
    const cfgFile = join(tmp.path, 'vigil.yaml');
    writeFileSync(cfgFile, testConfigYaml(tmp.path, [join(logDir, '*.ndjson')]));
    const outbox = join(tmp.path, 'outbox');
    const log = join(logDir, 'sec.ndjson');
    const start = (): ChildProcess => spawn(process.execPath, cliArgs('run', '--config', cfgFile), { cwd: tmp.path, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = (p: ChildProcess) => new Promise((r) => { if (p.exitCode !== null || p.signalCode !== null) r(null); else p.on('exit', r); });
    const known = (n: number) => `u${(n / 2) % 5}`;
    let child = start();
    try {
      // u0..u4 log on; host a keeps 10.0.0.1
      appendFileSync(log, lines(0, 30, known, () => '10.0.0.1'));
      await waitFor(() => countStore(join(tmp.path, 'events')) === 30, 30_000, 'the first 30 events');
      await sleep(600); // a checkpoint commit (every 200 ms) holds the five terms and host a's value
      // mallory is new, host a moves to 10.0.0.2: read, maybe alerted, not committed when the kill comes
      appendFileSync(log, lines(30, 40, (n) => (n === 30 ? 'mallory' : known(n)), () => '10.0.0.2'));
      await sleep(30);
      child.kill('SIGKILL');
      await exited(child);
      child = start();
      // known users and the new address again: nothing new after the restart
      appendFileSync(log, lines(40, 56, (n) => (n === 40 ? 'mallory' : known(n)), () => '10.0.0.2'));
      const expected = [
        'host-ip-changed ["a"]',
        ...['mallory', 'u0', 'u1', 'u2', 'u3', 'u4'].map((u) => `new-user ${JSON.stringify([u])}`),
      ].sort();
      await waitFor(() => countStore(join(tmp.path, 'events')) >= 56 && firing(outbox).length >= expected.length, 30_000, 'the alerts');
      await sleep(1000);
      expect(firing(outbox)).to.deep.equal(expected);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      tmp.cleanup();
    }
  });

  it('hot reload keeps the history of a rule edited only in its severity; the cap forgets and counts', async () => {
    const tmp = tempDir('new-term-reload');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    const rulesFile = join(tmp.path, 'rules.yaml');
    writeFileSync(rulesFile, RULES.replace('    realert: 0s\n', '    realert: 0s\n    max_terms: 3\n'));
    const cfg = testConfig(tmp.path, [join(logDir, '*.ndjson')]);
    const metrics = new Metrics();
    const daemon = new Daemon(cfg, { log: testLogger(), metrics });
    await daemon.start();
    const log = join(logDir, 'app.ndjson');
    try {
      appendFileSync(log, lines(0, 12, (n) => `u${(n / 2) % 3}`, () => '10.0.0.1'));
      await waitFor(() => countStore(join(tmp.path, 'events')) === 12, 30_000, 'the first events');
      await waitFor(() => firing(cfg.outbox_dir).length === 3, 10_000, 'u0..u2 new');
      writeFileSync(rulesFile, RULES.replace('    realert: 0s\n', '    realert: 0s\n    max_terms: 3\n    severity: high\n')
        + `  - id: other\n    type: pattern\n    where: 'event.code: 1102'\n`);
      await waitFor(() => daemon.rules.rules?.rules.length === 3, 10_000, 'the edit');
      // u0..u2 are known still; u3 is new and makes u2, the least recently seen, forgotten
      appendFileSync(log, lines(12, 24, (n) => (n === 22 ? 'u3' : `u${(n / 2) % 3}`), () => '10.0.0.1'));
      await waitFor(() => countStore(join(tmp.path, 'events')) === 24, 30_000, 'the later events');
      await waitFor(() => firing(cfg.outbox_dir).length === 4, 10_000, 'u3 new');
      await sleep(500);
      expect(firing(cfg.outbox_dir)).to.deep.equal(['u0', 'u1', 'u2', 'u3'].map((u) => `new-user ${JSON.stringify([u])}`));
      const st = (await daemon.status()) as { rules: { engine: Record<string, unknown> } };
      expect(st.rules.engine).to.include({ new_terms_known: 3, new_terms_forgotten: 1 });
      await waitFor(async () => /vigil_rules_new_terms_forgotten_total 1\b/.test(await metrics.registry.metrics()), 5000, 'the counter');
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
  });
});
