import type { Span, PipelineEvent } from '../core/event';
import type { EventSink } from '../core/contracts/event-sink';
import type { AckTracker } from '../core/checkpoints/ack-tracker';
import type { Logger } from '../core/log';
import type { Metrics } from '../core/metrics';
import { retryLoop } from '../core/retry/retry-loop';
import { attempt } from '../core/retry/outcome';
import type { RulesEntry } from '../core/contracts/rules-entry';

export interface PipelineOptions {
  tracker: AckTracker;
  rules: RulesEntry;
  sinks: EventSink[];
  log: Logger;
  metrics: Metrics;
  maxInflightEvents: number;
  batchSize: number;
  flushIntervalMs: number;
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 30_000;

/**
 * The most events a sink is handed at once: its own cap (the event store takes many, to share one fsync)
 * or `batchSize`, and never more than half of `maxInflightEvents`: while a sink writes one batch, reading
 * goes on into the other half (a batch of every event in flight would stop reading until it is written).
 */
export function batchCap(sink: Pick<EventSink, 'maxBatchEvents'>, opts: Pick<PipelineOptions, 'batchSize' | 'maxInflightEvents'>): number {
  return Math.max(1, Math.min(sink.maxBatchEvents ?? opts.batchSize, Math.floor(opts.maxInflightEvents / 2)));
}

/** Feeds one sink: whole spans in, batches of about `batchSize` events out, retried until the sink takes them. */
class SinkDriver {
  /** spans waiting to be written, oldest first */
  private queue: Span[] = [];
  private queuedEvents = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private oldestQueuedAt = 0;
  private stopped = false;
  /** the inputs were caught up with spans queued: hand those on now (see caughtUp) */
  private flushQueued = false;
  /** when the sink was last handed a batch (0: never) */
  private lastHandedAt = 0;
  private idleWaiters: Array<() => void> = [];
  lastError: string | null = null;

  constructor(readonly sink: EventSink, private p: Pipeline, private opts: PipelineOptions) {}

  enqueue(span: Span): void {
    if (this.queue.length === 0) this.oldestQueuedAt = Date.now();
    this.queue.push(span);
    this.queuedEvents += span.events.length;
    this.opts.metrics.sinkQueue.set({ sink: this.sink.name }, this.queuedEvents);
    this.pump();
  }

  get depth(): number { return this.queuedEvents; }

  private pump(): void {
    while (this.running < this.sink.concurrency && this.queue.length > 0) {
      const due = this.queuedEvents >= this.opts.batchSize || this.stopped || this.flushQueued ||
        Date.now() - this.oldestQueuedAt >= this.opts.flushIntervalMs;
      if (!due) {
        if (!this.timer) {
          const wait = Math.max(1, this.opts.flushIntervalMs - (Date.now() - this.oldestQueuedAt));
          this.timer = setTimeout(() => { this.timer = null; this.pump(); }, wait);
        }
        return;
      }
      const take: Span[] = [];
      let n = 0;
      const most = batchCap(this.sink, this.opts);
      while (this.queue.length > 0 && (take.length === 0 || n + this.queue[0].events.length <= most)) {
        const span = this.queue.shift()!;
        take.push(span);
        n += span.events.length;
      }
      this.queuedEvents -= n;
      if (this.queue.length === 0) this.flushQueued = false;
      this.oldestQueuedAt = this.lastHandedAt = Date.now();
      this.opts.metrics.sinkQueue.set({ sink: this.sink.name }, this.queuedEvents);
      this.running++;
      void this.deliver(take, n).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((f) => f());
      });
    }
  }

  /** Writes the events of `spans` (`n` of them) as one batch, retried until the sink takes it. */
  private async deliver(spans: Span[], n: number): Promise<void> {
    let events: PipelineEvent[];
    if (spans.length === 1) events = spans[0].events;
    else {
      events = new Array(n);
      let i = 0;
      for (const s of spans) for (const e of s.events) events[i++] = e;
    }
    await retryLoop(() => attempt(async () => { if (events.length > 0) await this.sink.write(events); }), {
      baseMs: RETRY_MIN_MS,
      maxMs: RETRY_MAX_MS,
      onRetry: (r, wait) => {
        this.lastError = (r.cause as Error).message;
        this.opts.metrics.sinkErrors.inc({ sink: this.sink.name });
        this.opts.log.warn({ sink: this.sink.name, err: this.lastError, retry_in_ms: wait }, 'sink write failed; retrying');
      },
    });
    this.lastError = null;
    for (const s of spans) this.p.delivered(s);
  }

  /**
   * The inputs are caught up: what is queued now goes without waiting for the flush interval, to a sink that
   * flushes when caught up, and to any other that has been handed nothing for a flush interval (the first
   * events after a quiet spell go at once; a steady trickle still makes one request a flush interval at most).
   */
  caughtUp(): void {
    if (this.queue.length === 0) return;
    if (!this.sink.flushWhenCaughtUp && Date.now() - this.lastHandedAt < this.opts.flushIntervalMs) return;
    this.flushQueued = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.pump();
  }

  /** Flushes what is queued now (no waiting for the flush interval) and resolves when idle. */
  async drain(): Promise<void> {
    this.stopped = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.pump();
    if (this.running === 0 && this.queue.length === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }
}

/**
 * collector → rules entry point → sinks, with acknowledgements flowing back to the checkpoints.
 * Backpressure: `submit` resolves only when fewer than `maxInflightEvents` are unacknowledged.
 */
export class Pipeline {
  private drivers: SinkDriver[];
  private inflight = 0;
  private waiters: Array<() => void> = [];

  constructor(private opts: PipelineOptions) {
    this.drivers = opts.sinks.map((s) => new SinkDriver(s, this, opts));
  }

  get inflightEvents(): number { return this.inflight; }

  /** True when a collector should not read more now. */
  get full(): boolean { return this.inflight >= this.opts.maxInflightEvents; }

  sinkStatus(): Array<{ name: string; queue: number; health: ReturnType<EventSink['health']>; last_error: string | null }> {
    return this.drivers.map((d) => ({ name: d.sink.name, queue: d.depth, health: d.sink.health(), last_error: d.lastError }));
  }

  /** Hands a span of events to the rules and the sinks; resolves when there is room for more. */
  async submit(span: Span): Promise<void> {
    const n = span.events.length;
    this.opts.tracker.issue(span);
    if (n === 0 || this.drivers.length === 0) {
      span.pending = 0;
      this.opts.tracker.ack(span);
      return;
    }
    this.opts.metrics.eventsIn.inc(n);
    const rules = this.opts.rules;
    for (let i = 0; i < n; i++) rules.process(span.events[i]);
    span.pending = this.drivers.length;
    this.inflight += n;
    this.opts.metrics.inflight.set(this.inflight);
    for (const d of this.drivers) d.enqueue(span);
    if (this.inflight >= this.opts.maxInflightEvents) {
      this.opts.metrics.backpressureWaits.inc();
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /**
   * A collector has read all there is for now: sinks that flush when caught up get their partial batches now,
   * and the others too when they were handed nothing for a flush interval (a sink that writes one batch at a
   * time gets it when the running write ends).
   */
  caughtUp(): void {
    for (const d of this.drivers) d.caughtUp();
  }

  /** A sink has the span. */
  delivered(span: Span): void {
    if (--span.pending > 0) return;
    this.inflight -= span.events.length;
    this.opts.metrics.inflight.set(this.inflight);
    span.events = [];
    this.opts.tracker.ack(span);
    if (this.waiters.length > 0 && this.inflight < this.opts.maxInflightEvents) {
      this.waiters.splice(0).forEach((f) => f());
    }
  }

  /** Delivers everything queued; resolves when the sinks have it all or `timeoutMs` passed (returns false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), timeoutMs); });
    const done = Promise.all(this.drivers.map((d) => d.drain())).then(() => true);
    const ok = await Promise.race([done, timeout]);
    clearTimeout(timer);
    this.waiters.splice(0).forEach((f) => f());
    return ok;
  }
}
