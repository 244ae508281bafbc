import type { PipelineEvent } from '../event';

export interface SinkHealth {
  ok: boolean;
  detail?: string;
}

/**
 * An event sink. `write` resolves once the events are durable on the sink's side (that is the
 * acknowledgement that lets checkpoints move); it rejects when they are not, and the pipeline
 * retries the same events. A sink that deduplicates by id must treat a resend as success.
 */
export interface EventSink {
  readonly name: string;
  /** how many `write` calls may run at once (the event store: 1, to keep its write order) */
  readonly concurrency: number;
  /** events per `write` when more are waiting (a sink that fsyncs each write takes more at once: group commit) */
  readonly maxBatchEvents?: number;
  /**
   * A partial batch costs this sink about what a full one does (a local file: one write call), so it is
   * handed on as soon as the inputs are caught up instead of after the flush interval. Absent or false:
   * when the inputs are caught up, a partial batch goes at once only if the sink was handed nothing for a
   * flush interval, else it waits for the interval (a remote sink: at most one partial request an interval).
   */
  readonly flushWhenCaughtUp?: boolean;
  start(): Promise<void>;
  write(events: PipelineEvent[]): Promise<void>;
  stop(): Promise<void>;
  health(): SinkHealth;
}
