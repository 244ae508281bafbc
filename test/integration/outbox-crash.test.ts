import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from '../../sinks/notify/outbox/alert-outbox';
import { tempDir } from '../helpers/temp-dir';
import { testConfigYaml } from '../helpers/config';
import { cliArgs } from '../helpers/daemon-command';
import { freePort } from '../helpers/free-port';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { waitFor, sleep } from '../helpers/wait';

const T0 = Date.UTC(2026, 3, 1, 9);

/** The pending entries of an outbox folder. */
function pending(dir: string): OutboxEntry[] {
  let files: string[] = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.')); } catch { return []; }
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OutboxEntry);
}

function countBy<T>(xs: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** `vigil run --config` in a child process, with a rule that alerts a webhook for each event with event.code X. */
function setUp(prefix: string, port: number) {
  const tmp = tempDir(prefix);
  const logDir = join(tmp.path, 'logs');
  mkdirSync(logDir);
  writeFileSync(join(tmp.path, 'rules.yaml'), `notifiers:
  hook: { type: webhook, url: "http://127.0.0.1:${port}/hook", timeout: 20s }
rules:
  - id: code-x
    type: pattern
    where: 'event.code: X'
    group_by: [seq]
    realert: 0s
    notify: [hook]
`);
  const cfgFile = join(tmp.path, 'vigil.yaml');
  writeFileSync(cfgFile, testConfigYaml(tmp.path, [join(logDir, '*.ndjson')]));
  const outboxDir = join(tmp.path, 'outbox');
  const start = (): ChildProcess => {
    const err = openSync(join(tmp.path, 'daemon.log'), 'a');
    return spawn(process.execPath, cliArgs('run', '--config', cfgFile), { cwd: tmp.path, stdio: ['ignore', 'ignore', err] });
  };
  const write = (from: number, n: number) => appendFileSync(join(logDir, 'app.ndjson'), Array.from({ length: n }, (_, i) =>
    `${JSON.stringify({ '@timestamp': new Date(T0 + (from + i) * 1000).toISOString(), event: { code: 'X' }, seq: from + i })}\n`).join(''));
  return { tmp, outboxDir, start, write };
}

const exited = (p: ChildProcess) => new Promise<number | null>((r) => { if (p.exitCode !== null || p.signalCode !== null) r(p.exitCode); else p.on('exit', (code) => r(code)); });

describe('alert notifications across daemon crashes (vigil run, SIGKILL, restart)', function () {
  this.timeout(120_000);

  it('receiver down, daemon killed and restarted, receiver up: every notification arrives exactly once', async () => {
    const port = await freePort();
    const { tmp, outboxDir, start, write } = setUp('outbox-crash', port);
    const server = new WebhookTestServer();
    let child = start();
    try {
      write(0, 3);
      // the notifier's lane retries its oldest entry; the others wait behind it
      await waitFor(() => { const p = pending(outboxDir); return p.length === 3 && p.some((e) => (e.attempts ?? 0) >= 2); }, 30_000, '3 notifications queued, retried while the receiver is down');
      expect(pending(outboxDir).filter((e) => e.attempts).every((e) => /ECONNREFUSED|fetch failed/.test(e.last_error ?? ''))).to.equal(true);
      child.kill('SIGKILL');
      await exited(child);
      child = start();
      await server.start(port);
      write(3, 2);
      const keys = () => server.accepted().map((r) => String(r.headers['x-vigil-delivery']));
      await waitFor(() => new Set(keys()).size === 5, 30_000, '5 notifications accepted');
      await sleep(1500); // time for any repeat to show up
      const counts = countBy(keys());
      expect([...counts.values()]).to.deep.equal([1, 1, 1, 1, 1]);
      // the key in the body is the header's
      for (const r of server.accepted()) expect(JSON.parse(r.body.toString()).key).to.equal(r.headers['x-vigil-delivery']);
      expect(pending(outboxDir)).to.deep.equal([]);
      expect(readdirSync(join(outboxDir, 'sent')).filter((f) => f.endsWith('.json')).sort()).to.deep.equal([...counts.keys()].map((k) => `${k}.json`).sort());
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await server.stop();
      tmp.cleanup();
    }
  });

  it('killed in the middle of a send: sent again after the restart with the same X-Vigil-Delivery, accepted once', async () => {
    const server = new WebhookTestServer();
    const port = await server.start();
    server.answer = () => 'hang';
    const { tmp, outboxDir, start, write } = setUp('outbox-midsend', port);
    let child = start();
    try {
      write(0, 1);
      await waitFor(() => server.requests.length === 1, 30_000, 'the first request (left hanging)');
      child.kill('SIGKILL');
      await exited(child);
      expect(pending(outboxDir).map((e) => e.attempts)).to.deep.equal([1]);
      server.answer = () => 200;
      child = start();
      await waitFor(() => server.accepted().length === 1, 30_000, 'the repeat');
      await sleep(1000);
      expect(server.requests).to.have.length(2);
      const [first, repeat] = server.requests;
      expect(repeat.headers['x-vigil-delivery']).to.equal(first.headers['x-vigil-delivery']);
      expect(repeat.body.equals(first.body)).to.equal(true); // the same bytes: a receiver can drop it by key
      expect(server.accepted()).to.have.length(1);
      const sent = JSON.parse(readFileSync(join(outboxDir, 'sent', `${String(first.headers['x-vigil-delivery'])}.json`), 'utf8')) as OutboxEntry;
      expect(sent.attempts).to.equal(2);
      expect(readFileSync(join(tmp.path, 'daemon.log'), 'utf8')).to.match(/sending a notification again whose earlier attempt was cut short/);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await server.stop();
      tmp.cleanup();
    }
  });

  it('SIGTERM while a send hangs: the daemon exits 0 in time and the notification stays pending', async () => {
    const server = new WebhookTestServer();
    const port = await server.start();
    server.answer = () => 'hang';
    const { tmp, outboxDir, start, write } = setUp('outbox-sigterm', port);
    const child = start();
    try {
      write(0, 1);
      await waitFor(() => server.requests.length === 1, 30_000, 'the request (left hanging)');
      await sleep(500); // started up fully (a signal during start-up is another story)
      const t0 = Date.now();
      child.kill('SIGTERM');
      expect(await exited(child)).to.equal(0);
      expect(Date.now() - t0).to.be.below(10_000);
      expect(pending(outboxDir)).to.have.length(1);
      expect(readFileSync(join(tmp.path, 'daemon.log'), 'utf8')).to.match(/they stay pending and are sent again/);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
      await server.stop();
      tmp.cleanup();
    }
  });
});
