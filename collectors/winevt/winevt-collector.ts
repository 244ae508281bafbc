import { hostname } from 'node:os';
import type { WinevtInputConfig } from './config';
import type { CollectorDeps } from '../../src/core/contracts/collector-deps';
import { ChannelReader } from './channel-reader';
import { WevtutilError } from './wevtutil';
import { winevtMetrics, type WinevtMetrics } from './winevt-metrics';
import { PolledCollector } from '../polled-collector';
import type { LoopTask } from '../polling-loop';

export interface WinevtCollectorDeps extends CollectorDeps {
  /** how long a wevtutil call may take (default 60 s) */
  timeoutMs?: number;
  /** how soon a channel that failed (missing, access denied) is tried again (default 60 s) */
  errorRetryMs?: number;
}

export interface WinevtChannelStatus {
  channel: string;
  source: string;
  /** next record id to read */
  next: number;
  /** the checkpoint: next record id not yet acknowledged */
  checkpoint: number;
  oldest: number;
  newest: number;
  events_read: number;
  gaps: number;
  gap_records: number;
  last_error: string | null;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_ERROR_RETRY_MS = 60_000;

/**
 * The live Windows event log collector: one polling loop per configured channel, reading with
 * `wevtutil qe … /f:RenderedXml` after the last record id read, with checkpoints in the registry
 * moved only by the sinks' acknowledgements. A channel that fails (missing, access denied) is
 * reported once and tried again now and then; the other channels go on.
 */
export class WinevtCollector extends PolledCollector {
  readonly type = 'winevt';
  private readers: ChannelReader[] = [];
  private abort = new AbortController();
  private m: WinevtMetrics;
  malformed = 0;

  constructor(readonly cfg: WinevtInputConfig, private d: WinevtCollectorDeps) {
    super(cfg.id, d.log);
    this.m = winevtMetrics(d.metrics);
    const hostName = d.hostName ?? hostname();
    for (const ch of cfg.channels) {
      const labels = { input: cfg.id, channel: ch.name };
      this.readers.push(new ChannelReader(ch, {
        input: cfg.id,
        registry: d.registry,
        tracker: d.tracker,
        submit: d.submit,
        isFull: d.isFull,
        log: d.log,
        hostName,
        recordsPerQuery: Math.max(1, cfg.batch_size),
        wevtutil: () => ({ path: cfg.wevtutil_path || 'wevtutil', timeoutMs: d.timeoutMs ?? DEFAULT_TIMEOUT_MS, unicode: true, signal: this.abort.signal }),
        onEvents: (n) => { if (n) this.m.events.inc(labels, n); },
        onGap: (n) => { this.m.gaps.inc(labels); if (n) this.m.gapRecords.inc(labels, n); },
        onMalformed: (n) => { this.malformed += n; },
      }));
    }
  }

  override start(): void {
    if (this.loop.running) return;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    super.start();
  }

  /** One loop per channel: a channel that fails does not hold up the others. */
  protected loops(): LoopTask[] {
    return this.readers.map((r) => ({
      turn: () => this.turn(r),
      fields: { input: this.cfg.id, channel: r.cfg.name },
      failed: 'windows event log channel stopped on an unexpected error',
      onError: (message: string) => { r.lastError = message; },
    }));
  }

  /** Stops polling (a wevtutil call in progress is cancelled; its events were not submitted). */
  override async stop(): Promise<void> {
    const stopped = super.stop();
    this.abort.abort();
    await stopped;
  }

  status(): { id: string; channels: WinevtChannelStatus[]; last_error: string | null; lag_records: number } {
    let lag = 0;
    let lastError: string | null = null;
    const channels = this.readers.map((r) => {
      const checkpoint = r.checkpoint;
      if (r.newest > 0) lag += Math.max(0, r.newest + 1 - Math.max(checkpoint, r.oldest));
      if (r.lastError) lastError = `${r.cfg.name}: ${r.lastError}`;
      return {
        channel: r.cfg.name, source: r.source, next: r.next, checkpoint, oldest: r.oldest, newest: r.newest,
        events_read: r.eventsRead, gaps: r.gaps, gap_records: r.gapRecords, last_error: r.lastError,
      };
    });
    return { id: this.cfg.id, channels, last_error: lastError, lag_records: lag };
  }

  /** One turn of a channel's loop: one poll of wevtutil; returns the wait before the next. */
  private async turn(r: ChannelReader): Promise<number> {
    if (this.paused) return this.cfg.poll_interval_ms;
    if (this.d.isFull()) {
      this.d.metrics.backpressureWaits.inc();
      while (this.d.isFull() && this.loop.running) await this.loop.sleep(5);
      return 0;
    }
    let res: Awaited<ReturnType<ChannelReader['poll']>>;
    try {
      res = await r.poll();
    } catch (err) {
      if (!this.loop.running) return 0;
      return this.onError(r, err as Error);
    }
    if (r.lastError) {
      this.d.log.info({ input: this.cfg.id, channel: r.cfg.name }, 'windows event log channel readable again');
      r.lastError = null;
      r.errorKind = null;
    }
    if (res === 'more') return 0;
    this.d.caughtUp?.(); // the channel has nothing more now
    return res === 'wait' ? Math.min(this.cfg.poll_interval_ms, 100) : this.cfg.poll_interval_ms;
  }

  /** Reports a failed poll (once per kind of failure) and returns how long to wait before the next. */
  private onError(r: ChannelReader, err: Error): number {
    const kind = err instanceof WevtutilError ? err.kind : 'other';
    if (kind === 'aborted') return 0;
    this.m.errors.inc({ input: this.cfg.id, channel: r.cfg.name, kind });
    const first = r.errorKind !== kind;
    r.lastError = err.message;
    r.errorKind = kind;
    if (first) {
      const fields = { input: this.cfg.id, channel: r.cfg.name, kind, err: err.message };
      if (kind === 'channel_not_found' || kind === 'access_denied' || kind === 'no_executable') {
        this.d.log.error(fields, 'cannot read windows event log channel; the other channels go on, and it is tried again periodically');
      } else {
        this.d.log.warn(fields, 'reading windows event log channel failed; it is tried again');
      }
    }
    const retry = this.d.errorRetryMs ?? DEFAULT_ERROR_RETRY_MS;
    return kind === 'timeout' || kind === 'other' ? Math.min(retry, Math.max(this.cfg.poll_interval_ms, 1000)) : retry;
  }
}
