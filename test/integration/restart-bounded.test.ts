import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, statSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { testConfigYaml } from '../helpers/config';
import { appendStoreLines, writeRegistry, identityOf } from '../helpers/big-store';
import { listStoreFiles } from '../../sinks/event-store/store-files';
import { waitFor, sleep } from '../helpers/wait';

/** The bounds for a start after a crash (an OOM crash loop is what they catch, not speed). */
const READY_WITHIN_MS = 10_000;
const MAX_RSS_KB = 150 * 1024;

interface Child { p: ChildProcess; stderr: string[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function startDaemon(dir: string, cfg: string): Child {
  const p = spawn(process.execPath, cliArgs('run', '--config', cfg), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  p.stderr!.on('data', (d) => stderr.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => p.on('exit', (code, signal) => r({ code, signal })));
  return { p, stderr, exited };
}

/** Peak and current resident set of a running process, in kB (Linux). */
function rssKb(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

function logLines(c: Child): Array<{ msg?: string; [k: string]: unknown }> {
  return c.stderr.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string });
}

/** Waits for the daemon's "vigil started" line; fails at once if it exits first (an OOM), or after `ms`. */
async function readyWithin(c: Child, ms: number): Promise<number> {
  const t0 = Date.now();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void c.exited.then((e) => { exit = e; });
  for (;;) {
    if (logLines(c).some((l) => l.msg === 'vigil started')) return Date.now() - t0;
    if (exit) throw new Error(`the daemon exited before it started (${JSON.stringify(exit)}); stderr tail:\n${c.stderr.join('').slice(-1500)}`);
    if (Date.now() - t0 > ms) throw new Error(`the daemon did not start within ${ms} ms; stderr tail:\n${c.stderr.join('').slice(-1500)}`);
    await sleep(50);
  }
}

function storeBytes(dir: string): number {
  let n = 0;
  for (const f of listStoreFiles(dir)) n += statSync(join(dir, f)).size;
  return n;
}

async function metricsText(c: Child): Promise<string> {
  const url = logLines(c).find((l) => l.msg === 'control API listening')?.url as string;
  const res = await fetch(`${url}/metrics`);
  return res.text();
}

/** Writes lines to a watched log, checks that the running daemon stores them, then stops it (exit 0). */
async function worksThenStops(c: Child, tmp: string, peak: { kb: number }): Promise<void> {
  const store = join(tmp, 'events');
  const before = storeBytes(store);
  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ msg: `after restart ${i}`, seq: i })).join('\n') + '\n';
  appendFileSync(join(tmp, 'logs', 'app.log'), lines);
  await waitFor(() => {
    peak.kb = Math.max(peak.kb, rssKb(c.p.pid!).hwm);
    return storeBytes(store) - before >= lines.length;
  }, 30_000, 'the new lines in the event store', 100);
  peak.kb = Math.max(peak.kb, rssKb(c.p.pid!).hwm);
  c.p.kill('SIGTERM');
  expect((await c.exited).code, `exit code; stderr tail: ${c.stderr.join('').slice(-1500)}`).to.equal(0);
}

describe('restart: start-up is bounded whatever the store holds after the checkpoint', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let daemon: Child | null = null;

  beforeEach(() => {
    tmp = tempDir('restart');
    mkdirSync(join(tmp.path, 'logs'));
    writeFileSync(join(tmp.path, 'logs', 'app.log'), '{"msg":"first line of the live file"}\n');
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    writeFileSync(join(tmp.path, 'vigil.yaml'), testConfigYaml(tmp.path, [join(tmp.path, 'logs', 'app.log*')]));
  });
  afterEach(async () => {
    if (daemon && daemon.p.exitCode === null && daemon.p.signalCode === null) { daemon.p.kill('SIGKILL'); await daemon.exited; }
    daemon = null;
    tmp.cleanup();
  });

  it('after a crash whose unacknowledged file was renamed away and 2.4M events written since, starts within 10 s under 150 MB', async () => {
    const store = join(tmp.path, 'events');
    const now = Date.now();
    const yesterday = new Date(now - 86_400_000), today = new Date(now);
    const covered = { identity: identityOf(1), lines: 1000 };
    const gone = { identity: identityOf(2), lines: 5000 };    // written, not acknowledged at the crash; then renamed out of the glob
    const before = appendStoreLines(store, yesterday, [covered]);
    const mark = { file: before.file, size: before.size };     // the mark the crash left, that never moved since
    const later: Array<{ identity: string; lines: number }> = [];
    for (let i = 0; i < 24; i++) later.push({ identity: identityOf(100 + i), lines: 100_000 });
    const y = appendStoreLines(store, yesterday, [gone, ...later.slice(0, 6)]);
    const t = appendStoreLines(store, today, later.slice(6));
    const sources = [
      { identity: covered.identity, offset: before.ends.get(covered.identity)!, seen: now - 3 * 86_400_000, path: '/var/log/app/app.log.2' },
      { identity: gone.identity, offset: 0, seen: now - 3 * 86_400_000, path: '/var/log/app/app.log' },
      ...later.map((l) => ({ identity: l.identity, offset: (y.ends.get(l.identity) ?? t.ends.get(l.identity))!, seen: now - 60_000, path: '/var/log/app/app.log' })),
    ];
    writeRegistry(join(tmp.path, 'state'), sources, mark);

    daemon = startDaemon(tmp.path, join(tmp.path, 'vigil.yaml'));
    const ms = await readyWithin(daemon, READY_WITHIN_MS);
    const peak = { kb: rssKb(daemon.p.pid!).hwm };
    const metrics = await metricsText(daemon);
    await worksThenStops(daemon, tmp.path, peak);
    expect(peak.kb, `peak RSS (kB) of the daemon (started in ${ms} ms)`).to.be.lessThan(MAX_RSS_KB);
    const unchecked = /^vigil_event_store_replay_unchecked_bytes_total (\d+)/m.exec(metrics);
    expect(Number(unchecked?.[1]), 'bytes past the start-up budget, in the metric').to.be.greaterThan(0);
    expect(logLines(daemon).some((l) => /not checked for duplicates/.test(l.msg ?? '')), 'a log line about the budget').to.equal(true);
  });

  it('starts without running out of memory when registry.json was moved away from a 2.3M-event store', async () => {
    const store = join(tmp.path, 'events');
    const now = Date.now();
    const runs: Array<{ identity: string; lines: number }> = [];
    for (let i = 0; i < 23; i++) runs.push({ identity: identityOf(200 + i), lines: 100_000 });
    appendStoreLines(store, new Date(now - 86_400_000), runs.slice(0, 10));
    appendStoreLines(store, new Date(now), runs.slice(10));
    mkdirSync(join(tmp.path, 'state'));               // no registry.json: it was moved away

    daemon = startDaemon(tmp.path, join(tmp.path, 'vigil.yaml'));
    const ms = await readyWithin(daemon, READY_WITHIN_MS);
    const peak = { kb: rssKb(daemon.p.pid!).hwm };
    const budget = logLines(daemon).find((l) => /checked for duplicates/.test(l.msg ?? ''));
    expect(budget, 'a log line that says which events are not checked for duplicates').to.not.equal(undefined);
    await worksThenStops(daemon, tmp.path, peak);
    expect(peak.kb, `peak RSS (kB) of the daemon (started in ${ms} ms)`).to.be.lessThan(MAX_RSS_KB);
  });
});
