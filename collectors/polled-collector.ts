import type { Collector, CollectorStatus } from '../src/core/contracts/collector';
import { PollingLoop, type LoopLog, type LoopTask } from './polling-loop';

/**
 * A collector driven by the polling loop: start, stop and pause are the loop's; a collector gives
 * its loops (their turns) and its status, and adds to start/stop only what is its own.
 */
export abstract class PolledCollector implements Collector {
  abstract readonly type: string;
  protected readonly loop: PollingLoop;

  /** @param wakeGapMs see {@link PollingLoop}: the least time between turns brought on by wake() */
  constructor(readonly id: string, log: LoopLog, wakeGapMs = 0) {
    this.loop = new PollingLoop(log, wakeGapMs);
  }

  /** set by the control API: the turns read nothing while paused (what is open stays open, checkpoints stay) */
  get paused(): boolean { return this.loop.paused; }
  set paused(on: boolean) { this.loop.paused = on; }

  start(): void {
    this.loop.start(this.loops());
  }

  /** Stops reading promptly: a turn in progress completes (its waits end at once). */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  abstract status(): CollectorStatus;

  /** The collector's loops: one, or one per independent source (a channel). */
  protected abstract loops(): LoopTask[];
}
