import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { EventSink, SinkHealth } from '../../src/core/contracts/event-sink';
import type { PipelineEvent } from '../../src/core/event';
import type { ElasticsearchConfig } from './config';
import type { Logger } from '../../src/core/log';
import type { Metrics } from '../../src/core/metrics';
import { SegmentLog, SpoolFullError } from '../spool/segment-log';
import { encodeRecords } from '../spool/record-line';
import { createClient } from './client';
import { checkHealth, describeError, type EsHealth } from './health';
import { setupTarget, type TargetSetup } from './template';
import { EsShipper } from './shipper';
import { DeadLetterFile } from './dead-letter';
import { retryLoop } from '../../src/core/retry/retry-loop';
import { done, giveUp, retry } from '../../src/core/retry/outcome';
import { writeFailureDetail } from '../../src/core/fs/disk-full';
import { withoutUserinfo } from '../../src/core/config-kit/url-userinfo';

export interface ElasticsearchSinkOptions {
  cfg: ElasticsearchConfig;
  stateDir: string;
  log: Logger;
  metrics: Metrics;
  vigilVersion: string;
}

/**
 * The Elasticsearch sink. Its acknowledgement is the event being fsynced in the disk spool
 * (state_dir/spool/elasticsearch): the pipeline, and so the rules and their alerts, never wait for
 * Elasticsearch. The shipper sends the spool on in bulk, in the background, as long as it takes.
 */
export class ElasticsearchSink implements EventSink {
  readonly name = 'elasticsearch';
  readonly concurrency = 1;
  /** every write is fsynced: while events wait, take many at once */
  readonly maxBatchEvents = 16_384;
  readonly client: Client;
  readonly spool: SegmentLog;
  readonly shipper: EsShipper;
  readonly deadLetter: DeadLetterFile;
  readonly url: string;
  health_: EsHealth = { ok: false, reason: 'starting', detail: 'not checked yet' };
  setup: TargetSetup | null = null;
  private stopped = false;
  /** appends wait for the shipper to make room in the spool */
  spoolFull = false;
  /** why the last append to the spool failed (a full disk), until one works again */
  spoolError: string | null = null;
  private setupLoop: Promise<void> | null = null;

  constructor(private o: ElasticsearchSinkOptions) {
    // the loader keeps user-info out of hosts (it becomes username/password); cut here too for configs built in code
    this.url = o.cfg.hosts.map(withoutUserinfo).join(', ');
    this.client = createClient(o.cfg);
    this.spool = new SegmentLog({ dir: join(o.stateDir, 'spool', 'elasticsearch'), segmentBytes: o.cfg.spool_segment_bytes, maxBytes: o.cfg.spool_max_bytes });
    this.deadLetter = new DeadLetterFile(join(o.stateDir, 'elasticsearch-dead-letter.ndjson'));
    this.shipper = new EsShipper({
      client: this.client, spool: this.spool, url: this.url, batchSize: o.cfg.batch_size, batchBytes: o.cfg.batch_bytes,
      maxInflight: o.cfg.max_inflight_requests, deadLetter: this.deadLetter, log: o.log, metrics: o.metrics,
    });
  }

  /** Opens the spool, checks the cluster, installs the template; a cluster that is not there yet is retried in the background. */
  async start(): Promise<void> {
    await this.spool.open();
    if (this.spool.tornBytes > 0) this.o.log.warn({ bytes: this.spool.tornBytes }, 'disk spool: cut a torn last record left by a crash');
    const first = await this.connect();
    if (!first) this.setupLoop = this.retryConnect();
  }

  private async connect(): Promise<boolean> {
    this.health_ = await checkHealth(this.client, this.url);
    if (!this.health_.ok) {
      this.o.log.error({ url: this.url, reason: this.health_.reason }, `${this.health_.detail}; events are kept in the disk spool until it works`);
      return false;
    }
    try {
      this.setup = await setupTarget(this.client, { dataStream: this.o.cfg.data_stream, index: this.o.cfg.index, vigilVersion: this.o.vigilVersion });
    } catch (err) {
      const d = describeError(err, this.url);
      this.health_ = { ok: false, reason: d.reason, detail: `setting up the index template failed: ${d.detail}` };
      this.o.log.error({ url: this.url }, `${this.health_.detail}; retrying`);
      return false;
    }
    this.o.log.info({ url: this.url, version: this.health_.version, target: this.setup.target, mode: this.setup.mode, actions: this.setup.actions },
      `writing to Elasticsearch ${this.setup.mode === 'data_stream' ? 'data stream' : 'index'} ${this.setup.target}`);
    this.shipper.start(this.setup.target);
    return true;
  }

  /** Tries `connect` again (start made the first try) until it works or the sink stops. */
  private async retryConnect(): Promise<void> {
    await retryLoop(async () => {
      if (this.stopped) return giveUp();
      return await this.connect() ? done() : retry();
    }, { baseMs: 1000, maxMs: 30_000, waitFirst: true, stopped: () => this.stopped });
  }

  async write(events: PipelineEvent[]): Promise<void> {
    const data = encodeRecords(events);
    // a full spool (Elasticsearch away or slower than the input for long): wait here, so that the
    // pipeline backs up and the collectors stop reading, until the shipper has made room
    let warned = false;
    for (;;) {
      try {
        await this.spool.append(data);
        break;
      } catch (err) {
        if (!(err instanceof SpoolFullError)) this.spoolFailed(err);
        if (!(err instanceof SpoolFullError) || this.stopped) throw err;
        if (!warned) this.o.log.warn({ backlog_bytes: this.spool.backlogBytes }, `${err.message}; reading waits until Elasticsearch takes more`);
        warned = true;
        this.spoolFull = true;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.spoolFull = false;
    if (this.spoolError) this.o.log.info({ dir: this.spool.dir }, 'disk spool: writes work again');
    this.spoolError = null;
    this.o.metrics.spoolBacklogBytes.set({ sink: this.name }, this.spool.backlogBytes);
    this.shipper.wake();
  }

  /** An append failed (the pipeline retries it): say why in /health and the log, once per cause. */
  private spoolFailed(err: unknown): void {
    const detail = writeFailureDetail(err, 'events', this.spool.dir);
    if (detail !== this.spoolError) this.o.log.error(`disk spool: ${detail}; the events wait and are retried, nothing is dropped`);
    this.spoolError = detail;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.shipper.stop();
    await this.setupLoop;
    await this.spool.close();
    await this.client.close();
  }

  health(): SinkHealth {
    if (this.spoolError) return { ok: false, detail: this.spoolError };
    if (this.shipper.deadLetterError) return { ok: false, detail: this.shipper.deadLetterError };
    if (!this.health_.ok) return { ok: false, detail: this.health_.detail };
    if (this.shipper.lastError) return { ok: false, detail: this.shipper.lastError };
    return { ok: true, detail: `${this.setup?.mode ?? ''} ${this.setup?.target ?? ''}`.trim() };
  }

  status(): Record<string, unknown> {
    return { url: this.url, version: this.health_.version, mode: this.setup?.mode, ...this.shipper.status(), spool_full: this.spoolFull, spool_error: this.spoolError, dead_letter_file: this.deadLetter.path };
  }
}
