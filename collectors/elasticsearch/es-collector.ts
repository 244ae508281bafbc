import type { Client } from '@elastic/elasticsearch';
import type { CollectorDeps } from '../../src/core/contracts/collector-deps';
import type { EventSelection } from '../../src/core/contracts/event-selection';
import { PolledCollector } from '../polled-collector';
import type { LoopTask } from '../polling-loop';
import type { EsInputConfig } from './config';
import { createInputClient } from './es-client';
import { esInputMetrics, type EsInputMetrics } from './es-input-metrics';
import { readShardCheckpoints, type ShardCheckpoint } from './shard-checkpoints';
import { readShardRange, type ShardState } from './shard-reader';
import { ReadRate } from './read-rate';

export interface EsCollectorDeps extends CollectorDeps {
  /** the client (tests); default: one made from the input's options */
  client?: Client;
  /** after a failed poll, how long before the next (default: the poll interval, at least 1 s) */
  errorRetryMs?: number;
}

/** What /status shows of one shard. */
export interface EsShardStatus {
  index: string;
  shard: number;
  uuid: string;
  /** acknowledged: every selected document up to this sequence number has been counted */
  checkpoint: number;
  /** read and submitted up to this sequence number */
  read_to: number;
  /** the shard's global checkpoint at the last poll */
  es_checkpoint: number;
}

const EVERYTHING: EventSelection = { query: null, fields: null, none: false };

/**
 * The Elasticsearch input: follows every primary shard of the indices its pattern names, by sequence
 * number. Each poll reads the shards' global checkpoints, refreshes the indices (so everything up to
 * them is searchable), and reads each shard's new range (readShardRange). Positions are kept per
 * (index uuid, shard) in the registry as the next sequence number to read, moved only when the
 * pipeline has acknowledged the pages: a restart reads again what was not yet counted, and nothing
 * twice that was. A new index (rollover, a new day) is read from its first document; a deleted one is
 * dropped. Only what the loaded rules can match is fetched, and only the fields they read.
 */
export class EsCollector extends PolledCollector {
  readonly type = 'elasticsearch';
  private readonly client: Client;
  private readonly m: EsInputMetrics;
  private readonly labels: { input: string };
  private readonly prefix: string;
  private readonly marker: string;
  private shards = new Map<string, ShardState>();
  private rate = new ReadRate();
  eventsRead = 0;
  requests = 0;
  polls = 0;
  lastLagSeconds: number | null = null;
  lastPollAt: string | null = null;
  /** wall-clock start of the last poll that completed (refresh: false reads up to what that poll saw) */
  private lastCompletedStart: number | null = null;
  /** the last progress reported to the rules' clock (status) */
  progressAt: number | null = null;

  constructor(readonly cfg: EsInputConfig, private d: EsCollectorDeps) {
    super(cfg.id, d.log);
    this.client = d.client ?? createInputClient(cfg);
    this.m = esInputMetrics(d.metrics);
    this.labels = { input: cfg.id };
    this.prefix = `es:${cfg.id}:`;
    this.marker = `es-started:${cfg.id}`;
    // the filter is checked now: a bad one stops the input with a message naming it
    this.selection();
    // event time follows this input's progress (fleet rules: a dead host is told by the runner's clock)
    d.clock?.follow(cfg.id);
  }

  /** What to fetch now: the loaded rules' selection with the input's filter. */
  private selection(): EventSelection {
    if (!this.d.selection) {
      if (this.cfg.filter) throw new Error(`input "${this.cfg.id}": a filter needs the rules engine's KQL, which this process did not provide`);
      return EVERYTHING;
    }
    try {
      return this.d.selection(this.cfg.filter);
    } catch (err) {
      throw new Error(`input "${this.cfg.id}": filter ${JSON.stringify(this.cfg.filter)}: ${(err as Error).message}`);
    }
  }

  protected loops(): LoopTask[] {
    return [{
      turn: () => this.turn(),
      fields: { input: this.cfg.id, index: this.cfg.index },
      failed: 'elasticsearch input poll failed; it is tried again',
      retryAfter: () => {
        this.m.errors.inc(this.labels);
        return this.d.errorRetryMs ?? Math.max(this.cfg.poll_interval_ms, 1000);
      },
    }];
  }

  private sourceOf(c: ShardCheckpoint): string {
    return `${this.prefix}${c.uuid}:${c.shard}`;
  }

  /** The registry's position of a shard: the next sequence number to read (0: from the start). */
  private checkpointOf(source: string): number {
    return this.d.registry.get(source)?.offset ?? 0;
  }

  private async turn(): Promise<number> {
    if (this.paused) return this.cfg.poll_interval_ms;
    const sel = this.selection();
    // taken before the checkpoints are asked for: whatever the store had taken by now is at or below them
    const started = Date.now();
    this.request('stats');
    const found = await readShardCheckpoints(this.client, this.cfg.index);
    const firstStart = this.d.registry.get(this.marker) === undefined;
    this.follow(found, firstStart);
    if (firstStart) this.d.registry.touch(this.marker, { input: this.cfg.id, started: new Date().toISOString() });
    const behind = found.filter((c) => this.shards.get(this.sourceOf(c))!.readTo < c.globalCheckpoint);
    let complete = true;
    if (behind.length > 0 && !sel.none) {
      if (this.cfg.refresh) {
        this.request('refresh');
        await this.client.indices.refresh({ index: [...new Set(behind.map((c) => c.index))].join(','), ignore_unavailable: true });
      }
      for (const c of behind) {
        const sh = this.shards.get(this.sourceOf(c))!;
        // without a refresh of our own, read only up to what the previous poll saw (a refresh interval ago)
        const upTo = this.cfg.refresh ? c.globalCheckpoint : Math.min(c.globalCheckpoint, sh.esCheckpoint);
        const done = await readShardRange({
          client: this.client, pageSize: this.cfg.batch_size, submit: this.d.submit, running: () => this.loop.running,
          onRequest: () => this.request('search'),
          onEvent: (_e, ingestedMs) => this.counted(ingestedMs),
        }, sh, upTo, sel);
        if (!done) { complete = false; break; }
      }
    } else if (sel.none) {
      // no rule loaded: nothing can match, the shards are passed over
      for (const c of behind) {
        const sh = this.shards.get(this.sourceOf(c))!;
        await this.d.submit({ source: sh.source, start: sh.readTo + 1, end: c.globalCheckpoint + 1, pending: 0, events: [] });
        sh.readTo = c.globalCheckpoint;
      }
    }
    for (const c of found) this.shards.get(this.sourceOf(c))!.esCheckpoint = c.globalCheckpoint;
    if (complete) {
      this.reportProgress(started);
      this.d.caughtUp?.(); // every shard read up to what the poll found
    }
    this.polls++;
    if (this.loop.lastError) {
      this.d.log.info({ input: this.cfg.id }, 'elasticsearch input polls again');
      this.loop.lastError = null;
    }
    this.lastPollAt = new Date().toISOString();
    const elapsed = Date.now() - started;
    return Math.max(0, this.cfg.poll_interval_ms - elapsed);
  }

  /**
   * A poll that started at `started` has read every shard to its checkpoint: every document the
   * indices had taken before `started` has gone through the rules (refresh: false reads only up to
   * the previous poll's checkpoints, so that poll's start). Event time may go there.
   */
  private reportProgress(started: number): void {
    const at = this.cfg.refresh ? started : this.lastCompletedStart;
    this.lastCompletedStart = started;
    if (at === null) return;
    this.progressAt = at;
    this.d.clock?.progress(this.cfg.id, at);
  }

  private request(kind: string): void {
    this.requests++;
    this.m.requests.inc({ ...this.labels, kind });
  }

  private counted(ingestedMs: number | undefined): void {
    const now = Date.now();
    this.eventsRead++;
    this.rate.add(now, 1);
    this.m.events.inc(this.labels);
    // the engine evaluates the event as it is submitted: the lag is taken now
    const lag = ingestedMs === undefined ? 0 : Math.max(0, (now - ingestedMs) / 1000);
    if (ingestedMs !== undefined) this.lastLagSeconds = lag;
    this.m.lag.observe(this.labels, lag);
  }

  /** Follows the shards found: new ones start at their checkpoint (or the current end, at the very first start); gone ones are dropped. */
  private follow(found: ShardCheckpoint[], firstStart: boolean): void {
    const seen = new Set<string>();
    for (const c of found) {
      const source = this.sourceOf(c);
      seen.add(source);
      if (this.shards.has(source)) continue;
      let next = this.d.registry.get(source) ? this.checkpointOf(source) : 0;
      if (!this.d.registry.get(source) && firstStart && this.cfg.start_at === 'end') {
        next = c.globalCheckpoint + 1;
        this.d.registry.advance(source, next, { index: c.index, shard: c.shard });
      } else {
        this.d.registry.touch(source, { index: c.index, shard: c.shard });
      }
      this.shards.set(source, { source, index: c.index, uuid: c.uuid, shard: c.shard, readTo: next - 1, esCheckpoint: c.globalCheckpoint });
      this.d.log.info({ input: this.cfg.id, index: c.index, shard: c.shard, from_seq_no: next }, 'elasticsearch input follows a shard');
    }
    for (const [source, sh] of this.shards) {
      if (seen.has(source) || this.d.tracker.outstanding(source) > 0) continue;
      this.shards.delete(source);
      this.d.registry.remove(source);
      this.d.tracker.forget(source);
      this.d.log.info({ input: this.cfg.id, index: sh.index, shard: sh.shard }, 'index gone: the elasticsearch input no longer follows its shard');
    }
    // registry entries of shards that no longer exist (an index deleted while the runner was down)
    if (firstStart || this.polls === 0) {
      for (const [source] of [...this.d.registry.entries()]) {
        if (source.startsWith(this.prefix) && !seen.has(source)) this.d.registry.remove(source);
      }
    }
    this.m.shards.set(this.labels, this.shards.size);
  }

  status(): { id: string; last_error: string | null; index: string; events_read: number; events_per_s: number; lag_seconds: number | null; requests: number; polls: number; last_poll: string | null; read_up_to: string | null; shards: EsShardStatus[] } {
    const shards = [...this.shards.values()].map((s) => ({
      index: s.index, shard: s.shard, uuid: s.uuid, checkpoint: this.checkpointOf(s.source) - 1, read_to: s.readTo, es_checkpoint: s.esCheckpoint,
    })).sort((a, b) => a.index.localeCompare(b.index) || a.shard - b.shard);
    return {
      id: this.cfg.id, last_error: this.loop.lastError, index: this.cfg.index, events_read: this.eventsRead,
      events_per_s: this.rate.perSecond(Date.now()), lag_seconds: this.lastLagSeconds, requests: this.requests,
      polls: this.polls, last_poll: this.lastPollAt,
      read_up_to: this.progressAt === null ? null : new Date(this.progressAt).toISOString(), shards,
    };
  }
}
