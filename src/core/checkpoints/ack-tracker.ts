import type { Span } from '../event';
import type { CheckpointRegistry } from './registry';

interface SourceQueue {
  /** spans issued and not yet folded into the checkpoint, in the order they were read */
  spans: Span[];
  head: number;
  done: Set<Span>;
}

/**
 * Turns acknowledgements of spans (which may arrive out of order across sinks) into a contiguous
 * low-water mark per source: the checkpoint moves to the end of the longest acknowledged prefix.
 */
export class AckTracker {
  private queues = new Map<string, SourceQueue>();
  private listeners = new Map<string, (offset: number) => void>();

  constructor(private registry: CheckpointRegistry) {}

  /** Called by a collector before it submits a span, in read order. */
  issue(span: Span): void {
    let q = this.queues.get(span.source);
    if (!q) { q = { spans: [], head: 0, done: new Set() }; this.queues.set(span.source, q); }
    q.spans.push(span);
  }

  /** Called when every sink delivery of the span is done. */
  ack(span: Span): void {
    const q = this.queues.get(span.source);
    if (!q) return;
    q.done.add(span);
    let advancedTo = -1;
    while (q.head < q.spans.length && q.done.has(q.spans[q.head])) {
      const b = q.spans[q.head];
      q.done.delete(b);
      q.spans[q.head] = undefined as unknown as Span;
      q.head++;
      advancedTo = b.end;
    }
    if (q.head > 1024 && q.head * 2 > q.spans.length) { q.spans = q.spans.slice(q.head); q.head = 0; }
    if (advancedTo >= 0) {
      if (q.head === q.spans.length) { q.spans = []; q.head = 0; }
      this.registry.advance(span.source, advancedTo);
      this.listeners.get(span.source)?.(advancedTo);
    }
  }

  /** Number of spans of a source still waiting for acknowledgement. */
  outstanding(source: string): number {
    const q = this.queues.get(source);
    return q ? q.spans.length - q.head : 0;
  }

  totalOutstanding(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.spans.length - q.head;
    return n;
  }

  /** A collector may want to know when its checkpoint moves (to close a file once all is acknowledged). */
  onAdvance(source: string, fn: ((offset: number) => void) | null): void {
    if (fn) this.listeners.set(source, fn); else this.listeners.delete(source);
  }

  forget(source: string): void {
    this.queues.delete(source);
    this.listeners.delete(source);
  }
}
