import type { Span } from '../event';
import type { CheckpointRegistry } from '../checkpoints/registry';
import type { AckTracker } from '../checkpoints/ack-tracker';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { EventSelectionProvider } from './event-selection';
import type { InputClock } from './input-clock';

/** What the daemon gives every collector: the checkpoints, the pipeline's entry and its backpressure. */
export interface CollectorDeps {
  registry: CheckpointRegistry;
  tracker: AckTracker;
  /** hands a span of events to the pipeline; resolves when there is room for more */
  submit: (span: Span) => Promise<void>;
  /** true while the sinks are full: no reading then */
  isFull: () => boolean;
  /**
   * The collector has read all there is for now (every source at its end): sinks that flush when caught up
   * (`EventSink.flushWhenCaughtUp`) get what is queued without waiting for the flush interval. Absent: not told.
   */
  caughtUp?: () => void;
  log: Logger;
  metrics: Metrics;
  /** host.name for events that carry none (default: this machine's name) */
  hostName?: string;
  /** what the loaded rules can match and read (inputs that fetch from a shared store use it); absent: everything */
  selection?: EventSelectionProvider;
  /** where an input reading a shared store reports its progress in wall-clock time (the rules' clock); absent: not reported */
  clock?: InputClock;
}
