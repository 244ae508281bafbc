import type { EventSink, SinkHealth } from '../src/core/contracts/event-sink';
import type { PipelineEvent } from '../src/core/event';

/** Acknowledges everything at once; for benchmarks and for measuring the rest of the pipeline. */
export class NullSink implements EventSink {
  readonly name = 'null';
  readonly concurrency = 1;
  events = 0;
  async start(): Promise<void> {}
  async write(events: PipelineEvent[]): Promise<void> { this.events += events.length; }
  async stop(): Promise<void> {}
  health(): SinkHealth { return { ok: true }; }
}
