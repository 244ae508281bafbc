import { promises as fsp, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink, SinkHealth } from '../../src/core/contracts/event-sink';
import type { PipelineEvent } from '../../src/core/event';
import type { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import type { Logger } from '../../src/core/log';
import type { Metrics } from '../../src/core/metrics';
import { listStoreFiles, storeFileName, storeFileDay } from './store-files';
import { readReplayIds } from './replay-index';
import { WriteMark, type StoreMark } from './write-mark';
import { IdPositions } from './id-positions';
import { replayCounters } from './replay-metrics';
import { ReplaySet } from './replay-set';
import { encodeRecords } from '../spool/record-line';
import { fsyncDir } from '../../src/core/fs/atomic-write';
import { writeFully } from '../../src/core/fs/write-fully';
import { writeFailureDetail } from '../../src/core/fs/disk-full';

export interface EventStoreOptions {
  dir: string;
  /** daily files older than this many days are deleted at day change (0 keeps all) */
  keepDays: number;
  registry: CheckpointRegistry;
  log: Logger;
  metrics: Metrics;
  now?: () => Date;
}

/**
 * The local event store of the embedded default: one NDJSON file per day in `dir`, each line an
 * event document with its id first (`{"_id":"…", "@timestamp":…}`). A write is acknowledged once its
 * bytes are written (a process that dies leaves them in the file); they are fsynced once a checkpoint
 * commit, before the registry is written (the registry's barrier), so that no committed position
 * counts on bytes a power loss could take. Events sent again after a crash (those written after the
 * last committed checkpoint) are recognised by id and not written twice, as Elasticsearch does with
 * `create`.
 */
export class EventStoreSink implements EventSink {
  readonly name = 'event_store';
  readonly concurrency = 1;
  /** while events wait, take many at once (one write call) */
  readonly maxBatchEvents = 16_384;
  /** a partial batch is one write call like a full one (the fsync is at the checkpoint commit): written as soon as the inputs are caught up */
  readonly flushWhenCaughtUp = true;
  /** the files with bytes written since their last fsync (the day's, and an earlier one until synced) */
  private unsynced = new Set<string>();
  /** why an fsync failed: from then on no checkpoint is committed (the bytes behind it may be lost) until a restart */
  private syncFailed: string | null = null;
  private fh: fsp.FileHandle | null = null;
  private file = '';
  private size = 0;
  private replayIds = new ReplaySet();
  private mark: WriteMark | null = null;
  private lastError: string | null = null;
  /** a failed write whose bytes could not be cut yet: cut them before anything else is appended */
  private cutPending: StoreMark | null = null;
  private now: () => Date;
  duplicatesSkipped = 0;

  constructor(private o: EventStoreOptions) {
    this.now = o.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true });
    const files = listStoreFiles(this.o.dir);
    const startMark = this.o.registry.sinkMark(this.name) as StoreMark | undefined;
    const positions = new IdPositions();
    const w = readReplayIds(this.o.dir, files, startMark, { covered: (id) => positions.covered(id, this.o.registry) });
    const ids = w.ids;
    this.replayIds = ids;
    if (w.tornBytes > 0) this.o.log.warn({ bytes: w.tornBytes }, 'event store: cut a torn last line left by a crash');
    if (ids.size > 0) this.o.log.info({ events: ids.size }, 'event store: events written after the last checkpoint will not be written twice');
    const counters = replayCounters(this.o.metrics);
    if (w.uncheckedBytes > 0) {
      counters.uncheckedBytes.inc(w.uncheckedBytes);
      this.o.log.warn({ unchecked_bytes: w.uncheckedBytes, checked_bytes: w.checkedBytes, held_ids: ids.size, checkpoint_mark: startMark ?? null },
        startMark
          ? 'event store: the oldest events written after the last checkpoint are past the start-up budget and not checked for duplicates; any of them sent again is written twice'
          : 'event store: no checkpoint mark (a new or moved-away registry): only the newest events of the store are checked for duplicates; events read again are written twice');
    }
    const mark = new WriteMark(this.o.registry, startMark, ids, {
      released: (reason, events, sources) => {
        counters.released.inc({ reason }, events);
        this.o.log.warn({ events, sources, reason },
          reason === 'source_gone'
            ? 'event store: events written before the restart were not sent again and their source is gone; no longer held for duplicate checks (written twice if the source comes back)'
            : 'event store: events written before the restart were not sent again within the hold time; no longer held for duplicate checks (written twice if they come later)');
      },
    });
    this.mark = mark;
    this.o.registry.provideSinkMark(this.name, () => mark.current(this.file, this.size));
    this.o.registry.addBarrier(() => this.durable());
    await this.openFor(this.now());
  }

  /**
   * Makes every byte written so far durable (the registry's barrier, before each checkpoint commit).
   * A failed fsync is final for this process: the kernel may have dropped the bytes it could not
   * write, and a later fsync would not say so, so no checkpoint is committed any more (a restart
   * reads again from the last committed one, and the store's duplicate check keeps what did reach
   * the disk once).
   */
  async durable(): Promise<void> {
    if (this.syncFailed) throw new Error(this.syncFailed);
    for (const name of [...this.unsynced]) {
      try {
        if (name === this.file && this.fh) await this.fh.datasync();
        else await syncFile(join(this.o.dir, name));
        this.unsynced.delete(name);
      } catch (err) {
        this.syncFailed = `event store: fsync failed (${(err as Error).message}); no checkpoint is committed from now on, so that nothing acknowledged since the last one is lost: restart vigil once the disk is fixed`;
        this.lastError = this.syncFailed;
        this.o.log.error({ dir: this.o.dir, err: (err as Error).message }, this.syncFailed);
        throw new Error(this.syncFailed);
      }
    }
  }

  private async openFor(date: Date): Promise<void> {
    const name = storeFileName(date);
    if (name === this.file && this.fh) return;
    if (this.fh) {
      // the day's file is done: its last bytes are made durable now (a failure is the barrier's to report)
      await this.durable().catch(() => undefined);
      await this.fh.close();
      this.fh = null;
    }
    const cut = this.cutPending;
    if (cut) {
      await cutBack(join(this.o.dir, cut.file), cut.size);
      this.cutPending = null;
    }
    const fh = await fsp.open(join(this.o.dir, name), 'a', 0o640);
    try {
      this.size = (await fh.stat()).size;
      await fsyncDir(this.o.dir);
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
    this.fh = fh;
    this.file = name;
    await this.prune(date);
  }

  private async prune(date: Date): Promise<void> {
    if (this.o.keepDays <= 0) return;
    const oldest = new Date(date.getTime() - this.o.keepDays * 86_400_000).toISOString().slice(0, 10);
    for (const f of listStoreFiles(this.o.dir)) {
      const day = storeFileDay(f);
      if (day && day < oldest) {
        await fsp.unlink(join(this.o.dir, f)).catch(() => undefined);
        this.o.log.info({ file: f }, 'event store: removed a file past keep_days');
      }
    }
  }

  /**
   * Appends the events (those not already written before a crash) and fsyncs. A failed write (a
   * full disk) is cut back to the last whole record and thrown: the pipeline retries the same
   * events, and until then nothing is acknowledged, so reading waits.
   */
  async write(events: PipelineEvent[]): Promise<void> {
    const now = this.now();
    if (storeFileName(now) !== this.file || !this.fh) {
      try {
        await this.openFor(now);
      } catch (err) {
        this.lastError = writeFailureDetail(err, 'events', this.o.dir);
        throw err;
      }
    }
    const replay = this.replayIds.size > 0 ? this.replayIds : null;
    let written = events;
    const dups: string[] = [];
    if (replay) {
      written = [];
      for (const e of events) {
        if (replay.has(e.id)) dups.push(e.id); else written.push(e);
      }
    }
    if (written.length > 0) await this.append(written);
    // known only once the write worked: a failed write is retried with the same events
    if (dups.length > 0) {
      for (const id of dups) replay!.delete(id);
      this.duplicatesSkipped += dups.length;
      this.o.metrics.sinkEvents.inc({ sink: this.name, outcome: 'duplicate' }, dups.length);
    }
  }

  private async append(written: PipelineEvent[]): Promise<void> {
    const data = encodeRecords(written);
    try {
      this.unsynced.add(this.file);
      await writeFully(this.fh!, data);
      if (this.lastError && !this.syncFailed) this.o.log.info({ dir: this.o.dir }, 'event store: writes work again');
      if (!this.syncFailed) this.lastError = null;
    } catch (err) {
      const detail = writeFailureDetail(err, 'events', this.o.dir);
      if (detail !== this.lastError) this.o.log.error({ events: written.length }, `event store: ${detail}; the events wait and are retried, nothing is dropped`);
      this.lastError = detail;
      await this.rollBack();
      throw err;
    }
    this.mark!.wrote(this.file, this.size, written);
    this.size += data.length;
    this.o.metrics.sinkEvents.inc({ sink: this.name, outcome: 'written' }, written.length);
  }

  /** Cuts the bytes of a failed append (the resend starts on a clean line), then reopens at the next write. */
  private async rollBack(): Promise<void> {
    const fh = this.fh!;
    this.cutPending = { file: this.file, size: this.size };
    try {
      await fh.truncate(this.size);
      await fh.datasync();
      this.unsynced.delete(this.file);
      this.cutPending = null;
    } catch { /* cut when the file is opened again, before any other append (the barrier syncs it by name) */ }
    await fh.close().catch(() => undefined);
    this.fh = null;
  }

  async stop(): Promise<void> {
    if (this.cutPending) await cutBack(join(this.o.dir, this.cutPending.file), this.cutPending.size).catch(() => undefined);
    // the daemon's last commit came just before (its barrier synced); anything written since is synced here
    await this.durable().catch(() => undefined);
    if (this.fh) { await this.fh.close(); this.fh = null; }
  }

  health(): SinkHealth {
    return this.lastError ? { ok: false, detail: this.lastError } : { ok: true };
  }
}

/** fsyncs a file by name (one whose handle is closed: the bytes written through it are the inode's). */
async function syncFile(path: string): Promise<void> {
  const fh = await fsp.open(path, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Cuts `path` back to `size` (the end of its last whole record) if it is longer. */
async function cutBack(path: string, size: number): Promise<void> {
  const fh = await fsp.open(path, 'r+');
  try {
    if ((await fh.stat()).size > size) {
      await fh.truncate(size);
      await fh.datasync();
    }
  } finally {
    await fh.close();
  }
}
