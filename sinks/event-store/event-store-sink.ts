import { promises as fsp, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink, SinkHealth } from '../sink';
import type { PipelineEvent } from '../../src/event';
import type { CheckpointRegistry } from '../../src/checkpoints/registry';
import type { Logger } from '../../src/log';
import type { Metrics } from '../../src/metrics';
import { listStoreFiles, storeFileName, storeFileDay } from './store-files';
import { readReplayIds } from './replay-index';
import { WriteMark, type StoreMark } from './write-mark';
import { IdPositions } from './id-positions';
import { replayCounters } from './replay-metrics';
import { ReplaySet } from './replay-set';
import { encodeRecords } from '../../src/spool/record-line';
import { fsyncDir } from '../../src/checkpoints/atomic-write';

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
 * event document with its id first (`{"_id":"…", "@timestamp":…}`). A write is acknowledged only
 * after fsync. Events sent again after a crash (those written after the last committed checkpoint)
 * are recognised by id and not written twice, as Elasticsearch does with `create`.
 */
export class EventStoreSink implements EventSink {
  readonly name = 'event_store';
  readonly concurrency = 1;
  /** every write is fsynced: while events wait, take many at once */
  readonly maxBatchEvents = 16_384;
  private fh: fsp.FileHandle | null = null;
  private file = '';
  private size = 0;
  private replayIds = new ReplaySet();
  private mark: WriteMark | null = null;
  private lastError: string | null = null;
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
    await this.openFor(this.now());
  }

  private async openFor(date: Date): Promise<void> {
    const name = storeFileName(date);
    if (name === this.file && this.fh) return;
    if (this.fh) await this.fh.close();
    this.fh = await fsp.open(join(this.o.dir, name), 'a', 0o640);
    this.file = name;
    this.size = (await this.fh.stat()).size;
    await fsyncDir(this.o.dir);
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

  async write(events: PipelineEvent[]): Promise<void> {
    const now = this.now();
    if (storeFileName(now) !== this.file) await this.openFor(now);
    let dup = 0;
    const replay = this.replayIds.size > 0 ? this.replayIds : null;
    let written = events;
    if (replay) {
      written = [];
      for (const e of events) {
        if (replay.delete(e.id)) dup++; else written.push(e);
      }
    }
    if (dup) {
      this.duplicatesSkipped += dup;
      this.o.metrics.sinkEvents.inc({ sink: this.name, outcome: 'duplicate' }, dup);
    }
    if (written.length === 0) return;
    const data = encodeRecords(written);
    try {
      await this.fh!.write(data, 0, data.length, null);
      await this.fh!.datasync();
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
      // cut a partial append so the resend starts on a clean line, then reopen
      await this.fh?.truncate(this.size).catch(() => undefined);
      await this.fh?.close().catch(() => undefined);
      this.fh = null;
      this.file = '';
      throw err;
    }
    this.mark!.wrote(this.file, this.size, written);
    this.size += data.length;
    this.o.metrics.sinkEvents.inc({ sink: this.name, outcome: 'written' }, written.length);
  }

  async stop(): Promise<void> {
    if (this.fh) { await this.fh.close(); this.fh = null; }
  }

  health(): SinkHealth {
    return this.lastError ? { ok: false, detail: this.lastError } : { ok: true };
  }
}
