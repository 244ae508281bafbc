import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, copyFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Daemon } from '../../src/runtime/daemon';
import { testLogger } from '../helpers/logger';
import { Metrics } from '../../src/core/metrics';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { readStore, exactlyOnce, describeDuplicates, type StoredEvent } from '../helpers/event-store';
import { logrotateFor } from '../helpers/logrotate';
import { waitFor, sleep } from '../helpers/wait';

const LINES = 100_000;
const WRITER = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'writer.js');

/**
 * Every sequence number of a complete line still present in the log files on disk (plain and gzip).
 * copytruncate can leave a torn line at the end of its copy (the writer was in the middle of a write
 * while the copy was made, and the rest of it went into the part that the truncation threw away):
 * such fragments are counted, not returned.
 */
function seqsOnDisk(logDir: string): { seqs: number[]; torn: number } {
  const seqs: number[] = [];
  let torn = 0;
  for (const f of readdirSync(logDir)) {
    if (!f.startsWith('app.log')) continue;
    let buf = readFileSync(join(logDir, f));
    if (f.endsWith('.gz')) buf = gunzipSync(buf);
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line) continue;
      try { seqs.push((JSON.parse(line) as { seq: number }).seq); } catch { torn++; }
    }
  }
  return { seqs, torn };
}

const seqOf = (e: StoredEvent) => (typeof e.seq === 'number' ? e.seq : undefined);

interface Mode {
  name: string;
  writer: 'reopen' | 'keep';
  /** true when the rotation itself may lose lines (copytruncate: between the copy and the truncation) */
  lossy: boolean;
  rotator: (logDir: string, dir: string) => () => void;
}

const modes: Mode[] = [
  { name: 'logrotate create', writer: 'reopen', lossy: false, rotator: (l, d) => logrotateFor(d, join(l, 'app.log'), ['create']) },
  { name: 'logrotate copytruncate', writer: 'keep', lossy: true, rotator: (l, d) => logrotateFor(d, join(l, 'app.log'), ['copytruncate']) },
  { name: 'logrotate compress + delaycompress', writer: 'reopen', lossy: false, rotator: (l, d) => logrotateFor(d, join(l, 'app.log'), ['create', 'compress', 'delaycompress']) },
  { name: 'logrotate compress (no delay)', writer: 'reopen', lossy: false, rotator: (l, d) => logrotateFor(d, join(l, 'app.log'), ['create', 'compress']) },
  {
    name: 'rename by hand', writer: 'reopen', lossy: false, rotator: (l) => {
      let n = 0;
      return () => { try { renameSync(join(l, 'app.log'), join(l, `app.log.r${++n}`)); } catch { /* not created yet */ } };
    },
  },
  {
    name: 'copytruncate by hand', writer: 'keep', lossy: true, rotator: (l) => {
      let n = 0;
      return () => {
        try { copyFileSync(join(l, 'app.log'), join(l, `app.log.c${++n}`)); truncateSync(join(l, 'app.log'), 0); } catch { /* not created yet */ }
      };
    },
  },
];

describe('file collector: rotation while a writer appends 100k lines (bursts of 100, 1 ms apart)', function () {
  this.timeout(240_000);

  for (const mode of modes) {
    it(`${mode.name}: every line arrives exactly once`, async () => {
      const tmp = tempDir('rot');
      const logDir = join(tmp.path, 'logs');
      mkdirSync(logDir);
      const rotate = mode.rotator(logDir, tmp.path);
      const metrics = new Metrics();
      const daemon = new Daemon(testConfig(tmp.path, [join(logDir, 'app.log*')]), { log: testLogger(), metrics });
      await daemon.start();
      try {
        const writer = spawn(process.execPath, [WRITER, join(logDir, 'app.log'), String(LINES), mode.writer, '0', '100', '1'], { stdio: 'inherit' });
        const exited = new Promise<number>((r) => writer.on('exit', (code) => r(code ?? -1)));
        let done = false;
        void exited.then(() => { done = true; });
        let rotations = 0;
        while (!done) {
          await sleep(40 + Math.random() * 80);
          if (done) break;
          try { rotate(); rotations++; } catch { /* logrotate lost a race with the writer (its "create" found the file); next time */ }
        }
        expect(await exited).to.equal(0);
        rotate(); // one more after the writer stopped: the last lines are in a rotated file now
        const disk = seqsOnDisk(logDir);
        const expected = mode.lossy ? disk.seqs : Array.from({ length: LINES }, (_, i) => i);
        if (!mode.lossy) {
          expect(new Set(disk.seqs).size, 'lines on disk after rotation').to.equal(LINES);
          expect(disk.torn).to.equal(0);
        }
        let missing: number[] = [];
        await waitFor(() => {
          const got = new Set(readStore(join(tmp.path, 'events')).map(seqOf));
          missing = expected.filter((s) => !got.has(s));
          return missing.length === 0;
        }, 60_000, 'every line in the event store', 250).catch((err: Error) => {
          throw new Error(`${err.message}: ${missing.length} missing, first ${missing.slice(0, 10).join(',')}; dir ${tmp.path}`);
        });
        await sleep(500); // anything read twice would show up now
        await daemon.stop();
        const events = readStore(join(tmp.path, 'events'));
        const check = exactlyOnce(events, expected, seqOf);
        expect(check.missing, 'missing lines').to.deep.equal([]);
        expect(check.duplicated, `lines stored twice (dir ${tmp.path}):\n${describeDuplicates(events, check.duplicated, seqOf)}\n`).to.deep.equal([]);
        expect(check.duplicateIds, 'duplicate document ids').to.equal(0);
        if (mode.lossy) {
          // lines that copytruncate lost between its copy and its truncation may or may not have been read in time
          expect(check.unexpected.every((s) => s >= 0 && s < LINES), 'only lines that were written').to.equal(true);
        } else {
          expect(check.unexpected).to.deep.equal([]);
          expect(events.length).to.equal(LINES);
        }
        // content and ids: the document is the line, and its id is derived from the file identity and offset
        const bySeq = new Map(events.map((e) => [e.seq as number, e]));
        const sample = bySeq.get(expected[Math.floor(expected.length / 2)])!;
        expect(sample.message).to.match(/^line \d+ x{40}$/);
        expect((sample.log as { file: { path: string } }).file.path).to.match(/app\.log/);
        expect(rotations, 'rotations during the write').to.be.greaterThan(2);
      } finally {
        await daemon.stop();
        tmp.cleanup();
      }
    });
  }
});
