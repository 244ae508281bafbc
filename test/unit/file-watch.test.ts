import { expect } from 'chai';
import { appendFileSync, copyFileSync, mkdirSync, renameSync, rmSync, truncateSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import type { Span } from '../../src/core/event';
import { FileCollector } from '../../collectors/file/file-collector';
import type { WatchFunction } from '../../collectors/file/folder-watch';
import type { FileInputConfig, VigilConfig } from '../../src/runtime/config/types';
import { checkConfigFile, loadConfig } from '../../src/runtime/config/load';
import { embeddedDefaultConfig } from '../../src/runtime/config/embedded-default';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { testLogger, captureLogger } from '../helpers/logger';
import { readStore } from '../helpers/event-store';
import { waitFor, sleep } from '../helpers/wait';

const MINUTE = 60_000;
const line = (note: string) => `${JSON.stringify({ note })}\n`;
const msgs = (dir: string) => readStore(join(dir, 'events')).map((e) => e.note as string);

/** A daemon on `glob` under a temp folder with the given file input options; the test gets its folders. */
async function withDaemon(file: Partial<FileInputConfig>, glob: string, body: (logs: string, dir: string) => Promise<void>, prepare?: (logs: string) => void,
  pipeline?: Partial<VigilConfig['pipeline']>): Promise<void> {
  const tmp = tempDir('watch');
  const logs = join(tmp.path, 'logs');
  mkdirSync(logs);
  prepare?.(logs);
  const cfg = testConfig(tmp.path, [join(logs, glob)], file);
  cfg.pipeline = { ...cfg.pipeline, ...pipeline };
  const daemon = new Daemon(cfg, { log: testLogger(), metrics: new Metrics() });
  await daemon.start();
  try {
    await body(logs, tmp.path);
  } finally {
    await daemon.stop();
    tmp.cleanup();
  }
}

describe('file input: wake on write (filesystem notifications)', function () {
  this.timeout(60_000);
  // polls and scans a minute apart: what is read within a second was read because the system said so
  const slow = { poll_interval_ms: MINUTE, scan_interval_ms: MINUTE };

  it('a line appended while poll_interval is 60 s is read within 1 s', async () => {
    await withDaemon({ ...slow, watch: true }, '*.ndjson', async (logs, dir) => {
      await waitFor(() => msgs(dir).includes('first'), 10_000, 'the line there at start');
      for (const m of ['second', 'third']) {
        appendFileSync(join(logs, 'app.ndjson'), line(m));
        await waitFor(() => msgs(dir).includes(m), 1000, `${m}, read on the notification`, 10);
      }
      expect(msgs(dir)).to.deep.equal(['first', 'second', 'third']);
    }, (logs) => writeFileSync(join(logs, 'app.ndjson'), line('first')));
  });

  it('the event store gets the lines as soon as the input is caught up, not after the flush interval (here 60 s)', async () => {
    await withDaemon({ ...slow, watch: true }, '*.ndjson', async (logs, dir) => {
      await waitFor(() => msgs(dir).includes('first'), 2000, 'the line there at start', 10);
      // a burst of a full batch and a part of one: the part is written when the file is read to its end
      appendFileSync(join(logs, 'app.ndjson'), Array.from({ length: 1500 }, (_, i) => line(`burst ${i}`)).join(''));
      await waitFor(() => msgs(dir).length === 1501, 2000, 'the whole burst', 10);
      appendFileSync(join(logs, 'app.ndjson'), line('last'));
      await waitFor(() => msgs(dir).includes('last'), 1000, 'a single line', 10);
    }, (logs) => writeFileSync(join(logs, 'app.ndjson'), line('first')), { flush_interval_ms: MINUTE });
  });

  it('watch: false reads an appended line at the next poll only', async () => {
    await withDaemon({ ...slow, watch: false }, '*.ndjson', async (logs, dir) => {
      await waitFor(() => msgs(dir).includes('first'), 10_000, 'the line there at start');
      appendFileSync(join(logs, 'app.ndjson'), line('second'));
      await sleep(1500);
      expect(msgs(dir)).to.deep.equal(['first']); // no notification read it; the poll is a minute away
    }, (logs) => writeFileSync(join(logs, 'app.ndjson'), line('first')));
    await withDaemon({ poll_interval_ms: 300, scan_interval_ms: MINUTE, watch: false }, '*.ndjson', async (logs, dir) => {
      await waitFor(() => msgs(dir).includes('first'), 10_000, 'the line there at start');
      appendFileSync(join(logs, 'app.ndjson'), line('second'));
      await waitFor(() => msgs(dir).includes('second'), 5000, 'the appended line, at the next poll');
    }, (logs) => writeFileSync(join(logs, 'app.ndjson'), line('first')));
  });

  it('a new file in a watched folder, and one in a new sub-folder of a ** glob, are read within 1 s', async () => {
    await withDaemon({ ...slow, watch: true }, join('**', '*.ndjson'), async (logs, dir) => {
      await waitFor(() => msgs(dir).includes('first'), 10_000, 'the line there at start');
      writeFileSync(join(logs, 'new.ndjson'), line('new file'));
      await waitFor(() => msgs(dir).includes('new file'), 1000, 'the new file', 10);
      mkdirSync(join(logs, 'sub', 'deeper'), { recursive: true });
      writeFileSync(join(logs, 'sub', 'deeper', 'b.ndjson'), line('new folder'));
      await waitFor(() => msgs(dir).includes('new folder'), 1000, 'the file in the new folders', 10);
      // a file created empty and given its first line afterwards (not identifiable at the scan its creation caused)
      writeFileSync(join(logs, 'sub', 'late.ndjson'), '');
      await sleep(100);
      appendFileSync(join(logs, 'sub', 'late.ndjson'), line('first line later'));
      await waitFor(() => msgs(dir).includes('first line later'), 1000, 'the file that got its first line later', 10);
    }, (logs) => writeFileSync(join(logs, 'app.ndjson'), line('first')));
  });

  it('rotation by rename and copytruncate, with polls and scans a minute apart, is followed on notifications alone', async () => {
    await withDaemon({ ...slow, watch: true }, 'app.log', async (logs, dir) => {
      const live = join(logs, 'app.log');
      await waitFor(() => msgs(dir).includes('a1'), 10_000, 'the line there at start');
      // create: renamed away, written on at its new name by a writer that has not reopened yet, then a new file
      renameSync(live, `${live}.1`);
      appendFileSync(`${live}.1`, line('a2'));
      writeFileSync(live, line('b1'));
      await waitFor(() => msgs(dir).includes('a2') && msgs(dir).includes('b1'), 1000, 'the renamed file\'s last line and the new file', 10);
      // copytruncate: copied with a last line not read yet, truncated, then new content (longer than what the
      // reader had read: a refill to the very same size is seen only when the file grows again)
      appendFileSync(live, line('b2'));
      copyFileSync(live, `${live}.2`);
      truncateSync(live, 0);
      appendFileSync(live, line('c1, after the truncation'));
      await waitFor(() => msgs(dir).includes('c1, after the truncation') && msgs(dir).includes('b2'), 1000, 'the copy\'s last line and the content after the truncation', 10);
      await sleep(200);
      expect([...msgs(dir)].sort()).to.deep.equal(['a1', 'a2', 'b1', 'b2', 'c1, after the truncation']);
    }, (logs) => writeFileSync(join(logs, 'app.log'), line('a1')));
  });

  it('a watched folder removed and made again is watched again (found by the scan, then notified)', async () => {
    await withDaemon({ poll_interval_ms: MINUTE, scan_interval_ms: 300, watch: true }, '*.ndjson', async (logs, dir) => {
      await waitFor(() => msgs(dir).includes('first'), 10_000, 'the line there at start');
      rmSync(logs, { recursive: true });
      mkdirSync(logs);
      writeFileSync(join(logs, 'again.ndjson'), line('in the new folder'));
      await waitFor(() => msgs(dir).includes('in the new folder'), 5000, 'the file in the folder made again');
      await sleep(100);
      appendFileSync(join(logs, 'again.ndjson'), line('appended there'));
      await waitFor(() => msgs(dir).includes('appended there'), 1000, 'the line appended in the new folder, on its notification', 10);
    }, (logs) => writeFileSync(join(logs, 'app.ndjson'), line('first')));
  });

  it('vigil.yaml: `watch` is on by default (the embedded default too), `watch: false` turns it off, a non-boolean is refused', () => {
    const tmp = tempDir('watch-cfg');
    try {
      const cfgOf = (input: string) => {
        writeFileSync(join(tmp.path, 'vigil.yaml'), `inputs:\n  - { type: file, paths: ["logs/*.json"]${input} }\n`);
        return loadConfig('vigil.yaml', { cwd: tmp.path, env: {} }).inputs[0] as FileInputConfig;
      };
      expect(cfgOf('').watch).to.equal(true);
      expect(cfgOf(', watch: false').watch).to.equal(false);
      expect(cfgOf('').poll_interval_ms).to.equal(250); // the fallback poll as it was
      expect((embeddedDefaultConfig(tmp.path).inputs[0] as FileInputConfig).watch).to.equal(true);
      writeFileSync(join(tmp.path, 'vigil.yaml'), 'inputs:\n  - { type: file, paths: ["logs/*.json"], watch: sometimes }\n');
      const problems = checkConfigFile('vigil.yaml', { cwd: tmp.path, env: {} }).map((p) => `${p.line}:${p.col}: ${p.message}`);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^2:\d+: .*watch/);
    } finally {
      tmp.cleanup();
    }
  });

  describe('when folders cannot be watched', () => {
    /** A file collector with its own registry, whose spans are kept; folders are watched through `watchFn`. */
    async function withCollector(watchFn: WatchFunction, body: (c: FileCollector, logs: string, got: () => string[], metrics: Metrics) => Promise<void>, lines: ReturnType<typeof captureLogger>) {
      const tmp = tempDir('watch-fail');
      const logs = join(tmp.path, 'logs');
      mkdirSync(logs);
      writeFileSync(join(logs, 'app.ndjson'), line('first'));
      const registry = new CheckpointRegistry(join(tmp.path, 'state'));
      const spans: Span[] = [];
      const metrics = new Metrics();
      const cfg = testConfig(tmp.path, [join(logs, '*.ndjson')], { poll_interval_ms: 100, scan_interval_ms: MINUTE, watch: true }).inputs[0] as FileInputConfig;
      const c = new FileCollector(cfg, {
        registry, tracker: new AckTracker(registry), submit: async (s) => { spans.push(s); }, isFull: () => false, log: lines.log as never, metrics,
      }, watchFn);
      c.start();
      try {
        await body(c, logs, () => spans.flatMap((s) => s.events.map((e) => (e.doc as { note: string }).note)), metrics);
      } finally {
        await c.stop();
        tmp.cleanup();
      }
    }

    it('ENOSPC (the inotify watch limit) falls back to the poll: a warning and a metric once per folder, no crash', async () => {
      const cap = captureLogger();
      let tries = 0;
      const noWatches: WatchFunction = (dir) => {
        tries++;
        throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${dir}'`), { code: 'ENOSPC', errno: -28, syscall: 'watch' });
      };
      await withCollector(noWatches, async (c, logs, got, metrics) => {
        await waitFor(() => got().includes('first'), 10_000, 'the line there at start');
        appendFileSync(join(logs, 'app.ndjson'), line('second'));
        await waitFor(() => got().includes('second'), 5000, 'the appended line, at the next poll');
        const st = c.status();
        expect(st.watch && st.watch.polled_folders).to.deep.equal([logs]);
        expect(st.last_error).to.equal(null);
        const m = (await metrics.registry.getSingleMetric('vigil_file_watch_failures_total')!.get()).values;
        expect(m).to.deep.equal([{ value: 1, labels: { input: 'test', reason: 'ENOSPC' } }]);
      }, cap);
      expect(tries).to.equal(1); // not tried again at once: a minute later
      const warned = cap.lines.filter((l) => l.code === 'ENOSPC');
      expect(warned).to.have.length(1);
      expect(warned[0]).to.include({ level: 40, input: 'test' });
      expect(warned[0].msg).to.contain('inotify').and.to.contain('poll_interval');
    });

    it('a watch that fails later (an error event) leaves its folder to the poll too', async () => {
      const cap = captureLogger();
      const made: FSWatcher[] = [];
      const failing: WatchFunction = (dir, listener) => { const w = watch(dir, { persistent: false }, listener); made.push(w); return w; };
      await withCollector(failing, async (c, logs, got, metrics) => {
        await waitFor(() => got().includes('first'), 10_000, 'the line there at start');
        await waitFor(() => made.length === 1, 5000, 'the folder watched');
        made[0].emit('error', Object.assign(new Error('watch failed'), { code: 'EIO' }));
        const st = c.status();
        expect(st.watch && st.watch.polled_folders).to.deep.equal([logs]);
        appendFileSync(join(logs, 'app.ndjson'), line('second'));
        await waitFor(() => got().includes('second'), 5000, 'the appended line, at the next poll');
        const m = (await metrics.registry.getSingleMetric('vigil_file_watch_failures_total')!.get()).values;
        expect(m).to.deep.equal([{ value: 1, labels: { input: 'test', reason: 'EIO' } }]);
      }, cap);
    });
  });
});
