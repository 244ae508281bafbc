import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tempDir } from '../helpers/temp-dir';
import { cliArgs } from '../helpers/daemon-command';
import { testConfigYaml } from '../helpers/config';
import { readStore, exactlyOnce, countStore, describeDuplicates, type StoredEvent } from '../helpers/event-store';
import { logrotateFor } from '../helpers/logrotate';
import { waitFor, sleep } from '../helpers/wait';

const ROOT = join(__dirname, '..', '..', '..');
const WRITER = join(ROOT, 'test', 'fixtures', 'writer.js');
const LINES = 100_000;

function startDaemon(dir: string, cfg: string): ChildProcess {
  return spawn(process.execPath, cliArgs('run', '--config', cfg), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function exitOf(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve({ code: p.exitCode, signal: p.signalCode });
  return new Promise((r) => p.on('exit', (code, signal) => r({ code, signal })));
}

describe('crash: vigil run killed with SIGKILL during writing and rotation', function () {
  this.timeout(300_000);

  it('holds every line exactly once after 10 kills and restarts', async () => {
    const tmp = tempDir('crash');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    const cfg = join(tmp.path, 'vigil.yaml');
    writeFileSync(cfg, testConfigYaml(tmp.path, [join(logDir, 'app.log*')]));
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const rotate = logrotateFor(tmp.path, join(logDir, 'app.log'), ['create', 'compress', 'delaycompress']);
    const stderr: string[] = [];
    let daemon = startDaemon(tmp.path, cfg);
    daemon.stderr!.on('data', (d) => stderr.push(String(d)));
    try {
      // ~100 lines every 4 ms: the writing lasts several seconds, long enough for ten crashes
      const writer = spawn(process.execPath, [WRITER, join(logDir, 'app.log'), String(LINES), 'reopen', '0', '100', '4'], { stdio: 'inherit' });
      let writing = true;
      const writerExit = exitOf(writer).then((r) => { writing = false; return r; });
      let kills = 0;
      let rotations = 0;
      let nextRotate = Date.now() + 300;
      while (kills < 10) {
        const until = Date.now() + 150 + Math.random() * 600;
        while (Date.now() < until) {
          if (Date.now() >= nextRotate) {
            try { rotate(); rotations++; } catch { /* lost a race with the writer; next time */ }
            nextRotate = Date.now() + 200 + Math.random() * 300;
          }
          await sleep(20);
        }
        daemon.kill('SIGKILL');
        await exitOf(daemon);
        kills++;
        daemon = startDaemon(tmp.path, cfg);
        daemon.stderr!.on('data', (d) => stderr.push(String(d)));
      }
      expect((await writerExit).code).to.equal(0);
      expect(writing).to.equal(false);
      try { rotate(); rotations++; } catch { /* fine */ }
      const onDisk = new Set<number>();
      for (const f of readdirSync(logDir)) {
        let b = readFileSync(join(logDir, f));
        if (f.endsWith('.gz')) b = gunzipSync(b);
        for (const l of b.toString().split('\n')) if (l) onDisk.add((JSON.parse(l) as { seq: number }).seq);
      }
      expect(onDisk.size, 'lines on disk').to.equal(LINES);
      await waitFor(() => countStore(join(tmp.path, 'events')) >= LINES, 90_000, 'the event store to hold every line', 250);
      await sleep(1000);
      const t0 = Date.now();
      daemon.kill('SIGTERM');
      const ex = await exitOf(daemon);
      expect(ex.code, `graceful stop exit code; stderr tail: ${stderr.join('').slice(-2000)}`).to.equal(0);
      expect(Date.now() - t0).to.be.lessThan(10_000);
      const events = readStore(join(tmp.path, 'events'));
      const check = exactlyOnce(events, Array.from({ length: LINES }, (_, i) => i), (e: StoredEvent) => e.seq as number);
      expect(check.missing.length, 'missing').to.equal(0);
      expect(check.duplicated.length, `duplicated (dir ${tmp.path}):\n${describeDuplicates(events, check.duplicated, (e) => e.seq as number)}\n`).to.equal(0);
      expect(check.duplicateIds).to.equal(0);
      expect(events.length).to.equal(LINES);
      expect(kills).to.equal(10);
      expect(rotations).to.be.greaterThan(3);
    } finally {
      if (daemon.exitCode === null && daemon.signalCode === null) { daemon.kill('SIGKILL'); await exitOf(daemon); }
      tmp.cleanup();
    }
  });
});
