import type { EventSink } from '../../src/core/contracts/event-sink';
import type { PipelineEvent, Span } from '../../src/core/event';

/**
 * A sink like the event store (one write at a time, many events a write) whose writes finish only when
 * the test says so; it records the size of each batch it was handed.
 */
export class HeldSink implements EventSink {
  readonly concurrency = 1;
  readonly maxBatchEvents = 16_384;
  batches: number[] = [];
  private release: Array<() => void> = [];
  constructor(readonly name = 'held', readonly flushWhenCaughtUp = false) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  health() { return { ok: true }; }
  write(events: PipelineEvent[]): Promise<void> {
    this.batches.push(events.length);
    return new Promise((r) => this.release.push(r));
  }
  finishOne(): void { this.release.shift()?.(); }
}

/** A span of `n` one-line events of the source `s`, starting at byte `start`. */
export function heldSpan(start: number, n: number): Span {
  const sp: Span = { source: 's', start, end: start + n * 10, pending: 0, events: [] };
  for (let i = 0; i < n; i++) sp.events.push({ id: `e${start + i}`, doc: { '@timestamp': '2026-01-01T00:00:00.000Z' }, span: sp } as PipelineEvent);
  return sp;
}
