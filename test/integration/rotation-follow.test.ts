import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync, renameSync, unlinkSync, readFileSync, existsSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { readStore, countStore, exactlyOnce, describeDuplicates, type StoredEvent } from '../helpers/event-store';
import { logrotateFor } from '../helpers/logrotate';
import { waitFor, sleep } from '../helpers/wait';

/**
 * Issue 11 section 1 on the embedded default (no vigil.yaml: ./logs/**\/*.json, ./data/events, the
 * control API on 127.0.0.1:9680), as a new user runs it: a known file is followed wherever rotation
 * moves it, whatever the glob; a known file with unread bytes that is gone is reported as lost.
 */
const CONTROL = 'http://127.0.0.1:9680';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function exitOf(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
  return new Promise((r) => p.on('exit', (code, signal) => r({ code, signal })));
}

/** A working folder laid out as a new user's: logs/, an empty rules.yaml, no vigil.yaml. */
class Site {
  readonly tmp = tempDir('rotfollow');
  readonly logs = join(this.tmp.path, 'logs');
  readonly app = join(this.logs, 'app.json');
  readonly events = join(this.tmp.path, 'data', 'events');
  readonly stderr: string[] = [];
  daemon: ChildProcess | null = null;
  private next = 0;

  constructor() {
    mkdirSync(this.logs);
    writeFileSync(join(this.tmp.path, 'rules.yaml'), 'rules: []\n');
  }

  /** Appends `n` numbered lines (one write) to `path` (the live file by default). */
  write(n: number, path = this.app): void {
    const parts: string[] = [];
    for (let i = 0; i < n; i++, this.next++) {
      parts.push(`{"@timestamp":"2026-12-02T10:00:00.000Z","seq":${this.next},"message":"line ${this.next} of the rotation test, padded to a realistic size"}\n`);
    }
    appendFileSync(path, parts.join(''));
  }

  get written(): number { return this.next; }

  async start(): Promise<void> {
    await waitFor(() => portFree(9680), 30_000, 'the control port 9680 to be free (another vigil on this machine?)', 200);
    const d = spawn(process.execPath, cliArgs('run'), { cwd: this.tmp.path, stdio: ['ignore', 'ignore', 'pipe'] });
    d.stderr!.on('data', (b) => this.stderr.push(String(b)));
    this.daemon = d;
    await waitFor(async () => {
      if (d.exitCode !== null) throw new Error(`vigil exited (${d.exitCode}): ${this.stderr.join('').slice(-2000)}`);
      try { return (await fetch(`${CONTROL}/health`)).status > 0; } catch { return false; }
    }, 30_000, 'the control API', 100);
  }

  /** The live file's entry in the committed registry.json (none yet: undefined). */
  committed(): { offset: number; meta: { size?: number } } | undefined {
    let reg: { sources?: Record<string, { offset: number; meta: { path?: string; size?: number } }> };
    try { reg = JSON.parse(readFileSync(join(this.tmp.path, 'data', 'state', 'registry.json'), 'utf8')); } catch { return undefined; }
    return Object.values(reg.sources ?? {}).find((e) => e.meta.path === this.app);
  }

  /** Waits until a checkpoint commit has recorded the live file as `what` says (read to its end, or its size noted). */
  async committedAs(what: 'read' | 'size'): Promise<void> {
    const size = readFileSync(this.app).length;
    await waitFor(() => {
      const e = this.committed();
      return what === 'read' ? e?.offset === size : e?.meta.size === size;
    }, 30_000, `registry.json to record ${this.app} ${what === 'read' ? 'read to its end' : `at its size ${size}`}`, 100);
  }

  /** SIGKILL, once a checkpoint commit has recorded what was read. */
  async kill(): Promise<void> {
    if (existsSync(this.app)) await this.committedAs('read');
    this.daemon!.kill('SIGKILL');
    await exitOf(this.daemon!);
    this.daemon = null;
  }

  async stop(): Promise<void> {
    const d = this.daemon!;
    d.kill('SIGTERM');
    const ex = await exitOf(d);
    this.daemon = null;
    expect(ex.code, `exit code of a clean stop; stderr: ${this.stderr.join('').slice(-2000)}`).to.equal(0);
  }

  private token(): string {
    return readFileSync(join(this.tmp.path, 'data', 'state', 'control.token'), 'utf8').trim();
  }

  async control(method: 'GET' | 'POST', path: string): Promise<unknown> {
    const res = await fetch(`${CONTROL}${path}`, { method, headers: { authorization: `Bearer ${this.token()}` } });
    expect(res.status, `${method} ${path}`).to.equal(200);
    return res.json();
  }

  async stored(n: number, what: string): Promise<void> {
    await waitFor(() => countStore(this.events) >= n, 60_000, `${n} events in the store (${what})`, 100);
  }

  /** Every numbered line written is in the store exactly once, and nothing else. */
  checkExactlyOnce(): void {
    const events = readStore(this.events);
    const seqOf = (e: StoredEvent) => (typeof e.seq === 'number' ? e.seq : undefined);
    const check = exactlyOnce(events, Array.from({ length: this.next }, (_, i) => i), seqOf);
    expect(check.missing.length, `lines missing (first: ${check.missing.slice(0, 5).join(', ')}); dir ${this.tmp.path}`).to.equal(0);
    expect(check.duplicated.length, `duplicated:\n${describeDuplicates(events, check.duplicated, seqOf)}`).to.equal(0);
    expect(check.duplicateIds).to.equal(0);
    expect(events.length).to.equal(this.next);
  }

  async cleanup(): Promise<void> {
    if (this.daemon) { this.daemon.kill('SIGKILL'); await exitOf(this.daemon); }
    this.tmp.cleanup();
  }
}

describe('file input on the embedded default: a known file is followed wherever rotation moves it', function () {
  this.timeout(300_000);
  let site: Site;
  beforeEach(() => { site = new Site(); });
  afterEach(async () => { await site.cleanup(); });

  for (const mode of [['create'], ['copytruncate'], ['create', 'compress']]) {
    it(`killed, 4,000 lines appended, logrotate ${mode.join(' + ')} while it is down, restart: every line once`, async () => {
      const rotate = logrotateFor(site.tmp.path, site.app, mode);
      site.write(2000);
      await site.start();
      await site.stored(2000, 'before the kill');
      await site.kill();
      site.write(4000);
      rotate();
      await site.start();
      await site.stored(6000, 'after the restart');
      await sleep(1500); // anything read twice would arrive now
      await site.stop();
      site.checkExactlyOnce();
    });
  }

  it('killed before its first checkpoint commit (the first lines just stored), logrotate create while it is down, restart: every line once', async () => {
    const rotate = logrotateFor(site.tmp.path, site.app, ['create']);
    site.write(50_000);
    await site.start();
    await waitFor(() => countStore(site.events) > 0, 30_000, 'the first lines in the store', 5);
    // the periodic commit (every second) has not come yet: only a commit made when the file was opened knows it
    site.daemon!.kill('SIGKILL');
    await exitOf(site.daemon!);
    site.daemon = null;
    site.write(4000);
    rotate();                 // app.json → app.json.1 (no glob matches it), a new app.json
    site.write(1000);
    await site.start();
    await site.stored(55_000, 'after the restart');
    await sleep(1500);
    await site.stop();
    site.checkExactlyOnce();
  });

  it('compress + delaycompress, two rotations while it is down: the rest of the known file and the file written between them', async () => {
    const rotate = logrotateFor(site.tmp.path, site.app, ['create', 'compress', 'delaycompress']);
    site.write(2000);
    await site.start();
    await site.stored(2000, 'before the kill');
    await site.kill();
    site.write(4000);
    rotate();                 // app.json → app.json.1, a new app.json
    site.write(1000);         // content the daemon never saw
    rotate();                 // app.json.1 → app.json.2.gz, app.json → app.json.1
    expect(existsSync(`${site.app}.2.gz`)).to.equal(true);
    await site.start();
    await site.stored(7000, 'after the restart');
    await sleep(1500);
    await site.stop();
    site.checkExactlyOnce();
  });

  it('renamed to app.json-20261202 (logrotate dateext) while it is down: the rest is read', async () => {
    site.write(2000);
    await site.start();
    await site.stored(2000, 'before the kill');
    await site.kill();
    site.write(4000);
    renameSync(site.app, `${site.app}-20261202`);
    await site.start();
    await site.stored(6000, 'after the restart');
    await sleep(1500);
    await site.stop();
    site.checkExactlyOnce();
  });

  it('200,000 lines behind, mv app.json app.json.1, a clean SIGTERM, restart: every line once', async () => {
    site.write(1000);
    await site.start();
    await site.stored(1000, 'the first lines');
    await site.control('POST', '/pause'); // behind, for certain: nothing is read while paused
    site.write(200_000);
    renameSync(site.app, `${site.app}.1`);
    await site.control('POST', '/resume');
    await sleep(200);
    await site.stop();
    expect(countStore(site.events), 'the daemon was stopped while still behind').to.be.lessThan(201_000);
    await site.start();
    await site.stored(201_000, 'after the restart');
    await sleep(1500);
    await site.stop();
    site.checkExactlyOnce();
  });

  it('running but 400,000 lines behind, logrotate copytruncate: the rest is read from the copy', async () => {
    const rotate = logrotateFor(site.tmp.path, site.app, ['copytruncate']);
    site.write(1000);
    await site.start();
    await site.stored(1000, 'the first lines');
    await site.control('POST', '/pause');
    site.write(400_000);
    rotate(); // app.json copied to app.json.1, app.json truncated
    await site.control('POST', '/resume');
    site.write(1000); // new content at the live name after the truncation
    await site.stored(402_000, 'after the rotation');
    await sleep(1500);
    await site.stop();
    site.checkExactlyOnce();
  });

  it('a sibling that is no known file is not read because it sits next to a tailed file', async () => {
    writeFileSync(`${site.app}.7`, '{"seq":-1,"message":"an old archive"}\n');
    site.write(100);
    await site.start();
    await site.stored(100, 'the live file');
    await sleep(2500); // two scans
    await site.stop();
    site.checkExactlyOnce();
  });

  it('a known file with unread bytes deleted while it is down: a warning, vigil_file_lost_bytes_total and /status say how many bytes', async () => {
    site.write(1000);
    await site.start();
    await site.stored(1000, 'the first lines');
    await site.control('POST', '/pause');
    const before = readFileSync(site.app).length;
    site.write(500);
    const unread = readFileSync(site.app).length - before;
    await site.committedAs('size'); // a scan notes the new size, a commit keeps it
    site.daemon!.kill('SIGKILL');
    await exitOf(site.daemon!);
    site.daemon = null;
    unlinkSync(site.app);
    await site.start();
    await waitFor(async () => {
      const st = await site.control('GET', '/status') as { inputs: Array<{ lost_bytes: number }> };
      return st.inputs[0].lost_bytes > 0;
    }, 10_000, 'lost bytes in /status');
    const st = await site.control('GET', '/status') as { inputs: Array<{ lost_bytes: number; lost: Array<{ path: string; unread_bytes: number }> }> };
    expect(st.inputs[0].lost_bytes).to.equal(unread);
    expect(st.inputs[0].lost[0]).to.deep.include({ path: site.app, unread_bytes: unread });
    const metrics = await (await fetch(`${CONTROL}/metrics`)).text();
    expect(metrics).to.match(new RegExp(`vigil_file_lost_bytes_total\\{input="file-1"\\} ${unread}\\b`));
    const warnings = site.stderr.join('').split('\n').filter((l) => l.includes('unread bytes are lost'));
    expect(warnings, 'one warning').to.have.length(1);
    expect(warnings[0]).to.include(site.app).and.include(`"unread_bytes":${unread}`);
    await site.stop();
  });

  it('a checkpoint past the end of the file (truncated and written again from the same first line): read from 0, with a warning', async () => {
    const header = '{"@timestamp":"2026-12-02T09:00:00.000Z","message":"log opened"}\n';
    writeFileSync(site.app, header);
    site.write(1000);
    await site.start();
    await site.stored(1001, 'the first file');
    await site.stop();
    // the same first line, then less content than the checkpoint covers
    writeFileSync(site.app, header);
    const from = site.written;
    site.write(50);
    await site.start();
    await waitFor(() => {
      const seqs = new Set(readStore(site.events).map((e) => e.seq));
      for (let i = from; i < from + 50; i++) if (!seqs.has(i)) return false;
      return true;
    }, 30_000, 'the lines written after the truncation');
    await site.stop();
    const warnings = site.stderr.join('').split('\n').filter((l) => l.includes('checkpoint is past the end of the file'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include(site.app);
  });

  it('does not follow a symbolic link matching the glob (a link to another file is counted and warned once)', async () => {
    const secret = join(site.tmp.path, 'secret.txt');
    writeFileSync(secret, '{"seq":-1,"message":"root:$6$hash:19000:0:99999:7:::"}\n');
    symlinkSync(secret, join(site.logs, 'x.json'));
    site.write(10);
    await site.start();
    await site.stored(10, 'the live file');
    await sleep(2500);
    const metrics = await (await fetch(`${CONTROL}/metrics`)).text();
    await site.stop();
    site.checkExactlyOnce();
    expect(metrics).to.match(/vigil_file_skipped_total\{input="file-1",reason="symlink"\} 1\b/);
    expect(site.stderr.join('').split('\n').filter((l) => l.includes('symbolic link'))).to.have.length(1);
  });
});
