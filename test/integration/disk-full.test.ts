import { expect } from 'chai';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { ControlServer } from '../../src/control/server';
import type { VigilConfig } from '../../src/runtime/config/types';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { testLogger } from '../helpers/logger';
import { waitFor } from '../helpers/wait';
import { freePort } from '../helpers/free-port';
import { readStore, exactlyOnce, type StoredEvent } from '../helpers/event-store';
import { mountTmpfs, unmount, fillDisk, freeDisk } from '../helpers/tmpfs';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/core/fs/atomic-write';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { SegmentLog } from '../../sinks/spool/segment-log';
import { DeadLetterFile, type DeadLetter } from '../../sinks/elasticsearch/dead-letter';

const pad = 'x'.repeat(40);
function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += `${JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 0, 1) + i).toISOString(), level: 'info', seq: i, msg: `line ${i} ${pad}` })}\n`;
  return s;
}

/** Every file under `dir` (recursively) that holds a NUL byte, with how many. */
function nulBytes(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name === 'filler') continue;
    const path = join(e.parentPath, e.name);
    const b = readFileSync(path);
    let n = 0;
    for (let i = b.indexOf(0); i >= 0; i = b.indexOf(0, i + 1)) n++;
    if (n > 0) out.push(`${path}: ${n} NUL bytes`);
  }
  return out;
}

/** Temporary files of atomic writes left behind under `dir`. */
function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'));
}

/** The records of the disk spool's segments, in order (each line must be a whole JSON record). */
function readSpool(dir: string): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const f of readdirSync(dir).filter((n) => /^segment-\d+\.ndjson$/.test(n)).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    expect(text === '' || text.endsWith('\n'), `${f} ends with a whole record`).to.equal(true);
    for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as StoredEvent);
  }
  return out;
}

const seqOf = (e: StoredEvent) => e.seq as number | undefined;

describe('disk full (a 5 MB tmpfs under the state and the data)', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof tempDir>;
  let disk: string;
  let mounted = false;

  beforeEach(function () {
    tmp = tempDir('diskfull');
    disk = join(tmp.path, 'disk');
    const refused = mountTmpfs(disk, '5m');
    if (refused) {
      console.log(`      (skipped: ${refused})`);
      tmp.cleanup();
      this.skip();
    }
    mounted = true;
  });

  afterEach(() => {
    if (mounted) unmount(disk);
    mounted = false;
    tmp.cleanup();
  });

  interface WhileFull { status: number; failing: string[]; reason: string; detail: string }

  /**
   * Runs a daemon on `cfg`: writes 2000 lines and waits until they are acknowledged, fills the disk
   * but for a few KiB, writes 10000 more, and waits until the sink fails to write them and reading
   * waits (the pipeline is full: backpressure). Notes what `/health` says then, frees the disk and
   * waits until every line is acknowledged and the sink no longer reports the full disk.
   */
  async function fillAndRecover(cfg: VigilConfig, log: string, component: string): Promise<WhileFull> {
    const daemon = new Daemon(cfg, { log: testLogger(), metrics: new Metrics() });
    const control = new ControlServer({ listen: '127.0.0.1:0', tokenFile: join(tmp.path, 'control.token'), target: daemon, log: testLogger() });
    const { url } = await control.start();
    await daemon.start();
    const acked = () => (daemon.collectors[0].status() as { files: Array<{ offset: number }> }).files[0]?.offset ?? 0;
    const filler = join(disk, 'filler');
    let filled = false;
    try {
      appendFileSync(log, lines(0, 2000));
      await waitFor(() => acked() >= Buffer.byteLength(lines(0, 2000)), 60_000, 'the first 2000 lines');
      fillDisk(filler, 12 * 1024);
      filled = true;
      appendFileSync(log, lines(2000, 12_000));
      // several writes fail (each retry too) while the pipeline is full
      const sink = daemon.sinks[0].name;
      const failedWrites = async () => (await daemon.metrics.sinkErrors.get()).values.find((v) => v.labels.sink === sink)?.value ?? 0;
      await waitFor(async () => daemon.pipeline.full && await failedWrites() >= 3, 60_000, 'three failed writes and a full pipeline');
      const st = daemon.collectors[0].status() as { files: Array<{ read: number; size: number }> };
      expect(st.files[0].read, 'bytes read while the disk is full').to.be.lessThan(st.files[0].size);
      const res = await fetch(`${url}/health`);
      const body = await res.json() as { failing?: string[]; components: Array<{ name: string; reason?: string }> };
      // /health (no token) gives the reason; the folder and the error are in /status (the daemon's health details)
      const whileFull = {
        status: res.status, failing: body.failing ?? [], reason: body.components.find((c) => c.name === component)?.reason ?? '',
        detail: daemon.health().find((c) => c.name === component)?.detail ?? '',
      };
      freeDisk(filler);
      filled = false;
      // everything flows again: every line acknowledged, the sink no longer failing for the disk
      const size = Buffer.byteLength(lines(0, 12_000));
      await waitFor(() => acked() === size, 120_000, 'every line acknowledged after the space came back', 100);
      await waitFor(() => daemon.health().every((c) => c.ok || !/disk full|ENOSPC/i.test(c.detail ?? '')), 30_000, 'no component reporting a full disk');
      return whileFull;
    } finally {
      if (filled) freeDisk(filler);
      await daemon.stop();
      await control.stop();
    }
  }

  function expectReported(seen: WhileFull, component: string, dir: string): void {
    expect(seen.status, '/health while the disk is full').to.equal(503);
    expect(seen.failing).to.include(component);
    expect(seen.reason, 'the reason in /health').to.equal('disk full');
    expect(seen.detail).to.match(/disk full/i);
    expect(seen.detail).to.include(dir);
  }

  it('event store: nothing lost or written twice, no NUL bytes, no temporary files left; /health 503 while full', async () => {
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    const log = join(logs, 'app.ndjson');
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const cfg = testConfig(tmp.path, [join(logs, '*.ndjson')], {}, {
      state_dir: join(disk, 'state'),
      event_store: { dir: join(disk, 'events') },
      outbox_dir: join(disk, 'outbox'),
      pipeline: { max_inflight_events: 2000, batch_size: 1000, flush_interval_ms: 50, checkpoint_interval_ms: 200 },
    });
    const seen = await fillAndRecover(cfg, log, 'sink:event_store');
    expect(nulBytes(disk), 'files with NUL bytes').to.deep.equal([]);
    const r = exactlyOnce(readStore(join(disk, 'events')), Array.from({ length: 12_000 }, (_, i) => i), seqOf);
    expect({ missing: r.missing.length, duplicated: r.duplicated.length, unexpected: r.unexpected.length, duplicateIds: r.duplicateIds })
      .to.deep.equal({ missing: 0, duplicated: 0, unexpected: 0, duplicateIds: 0 });
    expect(tempFiles(disk), 'temporary files left').to.deep.equal([]);
    expectReported(seen, 'sink:event_store', join(disk, 'events'));
  });

  it('Elasticsearch disk spool (Elasticsearch down): every event spooled once, no NUL bytes, no temporary files left; /health 503 while full', async () => {
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    const log = join(logs, 'app.ndjson');
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const closed = await freePort(); // nothing listens there: Elasticsearch is down for the whole test
    const cfg = testConfig(tmp.path, [join(logs, '*.ndjson')], {}, {
      state_dir: join(disk, 'state'),
      outbox_dir: join(disk, 'outbox'),
      pipeline: { max_inflight_events: 2000, batch_size: 1000, flush_interval_ms: 50, checkpoint_interval_ms: 200 },
      elasticsearch: {
        hosts: [`http://127.0.0.1:${closed}`], data_stream: 'logs-vigil-diskfull', batch_size: 1000, batch_bytes: 5 * 1024 * 1024, flush_interval_ms: 200,
        max_inflight_requests: 2, request_timeout_ms: 5_000, spool_max_bytes: 1024 * 1024 * 1024, spool_segment_bytes: 256 * 1024,
      },
    });
    const seen = await fillAndRecover(cfg, log, 'sink:elasticsearch');
    expect(nulBytes(disk), 'files with NUL bytes').to.deep.equal([]);
    const r = exactlyOnce(readSpool(join(disk, 'state', 'spool', 'elasticsearch')), Array.from({ length: 12_000 }, (_, i) => i), seqOf);
    expect({ missing: r.missing.length, duplicated: r.duplicated.length, unexpected: r.unexpected.length, duplicateIds: r.duplicateIds })
      .to.deep.equal({ missing: 0, duplicated: 0, unexpected: 0, duplicateIds: 0 });
    expect(tempFiles(disk), 'temporary files left').to.deep.equal([]);
    expectReported(seen, 'sink:elasticsearch', join(disk, 'state', 'spool', 'elasticsearch'));
  });

  it('a failed atomic write (async and sync) leaves the old content and removes its temporary file', async () => {
    const dir = join(disk, 'state');
    mkdirSync(dir);
    const path = join(dir, 'registry.json');
    writeFileSync(path, '{"old":true}');
    fillDisk(join(disk, 'filler'), 16 * 1024);
    const big = Buffer.alloc(256 * 1024, 0x61);
    let asyncErr: NodeJS.ErrnoException | null = null;
    await writeFileAtomic(path, big).catch((err: NodeJS.ErrnoException) => { asyncErr = err; });
    expect(asyncErr, 'the async write fails').to.not.equal(null);
    expect(asyncErr!.code).to.equal('ENOSPC');
    expect(readFileSync(path, 'utf8')).to.equal('{"old":true}');
    expect(readdirSync(dir)).to.deep.equal(['registry.json']);
    expect(() => writeFileAtomicSync(path, big)).to.throw(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).to.equal('{"old":true}');
    expect(readdirSync(dir)).to.deep.equal(['registry.json']);
    freeDisk(join(disk, 'filler'));
    await writeFileAtomic(path, big);
    expect(readFileSync(path).equals(big)).to.equal(true);
  });

  it('temporary files of commits cut short by a crash are removed at start (registry, spool cursor)', async () => {
    const state = join(disk, 'state');
    const spoolDir = join(state, 'spool', 'elasticsearch');
    mkdirSync(spoolDir, { recursive: true });
    writeFileSync(join(state, '.registry.json.4242.7.tmp'), '{"half":');
    writeFileSync(join(state, 'keep.tmp'), 'not ours');
    writeFileSync(join(spoolDir, '.cursor.json.4242.9.tmp'), '{"seg');
    new CheckpointRegistry(state).load();
    const spool = new SegmentLog({ dir: spoolDir, segmentBytes: 1 << 20, maxBytes: 1 << 30 });
    await spool.open();
    await spool.close();
    expect(readdirSync(state).sort()).to.deep.equal(['keep.tmp', 'spool']);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('a dead-letter append on a full disk fails whole (no torn letter) and works when space returns', async () => {
    const path = join(disk, 'state', 'elasticsearch-dead-letter.ndjson');
    const dlq = new DeadLetterFile(path);
    const letter = (i: number): DeadLetter => ({ time: '2026-01-01T00:00:00.000Z', target: 't', _id: `id-${i}`, status: 400, error: 'mapper_parsing_exception', document: { n: i, pad: 'y'.repeat(1000) } });
    await dlq.append([letter(0)]);
    fillDisk(join(disk, 'filler'), 16 * 1024);
    const many = Array.from({ length: 200 }, (_, i) => letter(i + 1));
    let failed: NodeJS.ErrnoException | null = null;
    await dlq.append(many).catch((err: NodeJS.ErrnoException) => { failed = err; });
    expect(failed, 'the append fails').to.not.equal(null);
    expect(failed!.code).to.equal('ENOSPC');
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as DeadLetter)._id)).to.deep.equal(['id-0']);
    freeDisk(join(disk, 'filler'));
    await dlq.append(many);
    const ids = readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as DeadLetter)._id);
    expect(ids).to.deep.equal(['id-0', ...many.map((l) => l._id)]);
  });
});
