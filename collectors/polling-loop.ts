/**
 * The one start/stop/pause/sleep loop of the collectors: a collector gives it its turns (one per
 * independent loop, e.g. one per channel) and keeps only what a turn does. Each turn returns how long
 * to wait before the next one; stop() ends every loop promptly, waking any sleep.
 */

/** Where the loop reports a turn that threw (the collectors' pino logger fits). */
export interface LoopLog {
  error(fields: Record<string, unknown>, msg: string): void;
}

/** One independent loop of a collector. */
export interface LoopTask {
  /** one turn: reads what there is; resolves to the milliseconds to wait before the next turn (0: at once) */
  turn: () => Promise<number>;
  /** the log fields naming this loop (the input id, a channel, …) */
  fields: Record<string, unknown>;
  /** the log message when a turn throws */
  failed: string;
  /** after a turn threw: how long to wait before going on; absent, this loop stops (the error is reported) */
  retryAfter?: () => number;
  /** where the error's message goes (default: the loop's lastError) */
  onError?: (message: string) => void;
}

interface Sleeper { timer: NodeJS.Timeout; resolve: () => void }

export class PollingLoop {
  private active = false;
  private loops: Promise<void>[] = [];
  private sleepers = new Set<Sleeper>();
  /** set by the control API: the turns read nothing while paused (what they keep open stays open) */
  paused = false;
  /** the last problem of the collector, shown in /status and /health */
  lastError: string | null = null;

  constructor(private readonly log: LoopLog) {}

  /** True from start() until stop(): turns check it to end a long read early. */
  get running(): boolean {
    return this.active;
  }

  /** Starts one loop per task; false (nothing done) when already running. */
  start(tasks: LoopTask[]): boolean {
    if (this.active) return false;
    this.active = true;
    this.loops = tasks.map((t) => this.run(t));
    return true;
  }

  /** Ends every loop: a turn in progress completes (its sleeps return at once), then resolves. */
  async stop(): Promise<void> {
    this.active = false;
    for (const s of this.sleepers) { clearTimeout(s.timer); s.resolve(); }
    this.sleepers.clear();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Waits `ms`, or less when stop() comes first (at once when stopped). */
  sleep(ms: number): Promise<void> {
    if (!this.active) return Promise.resolve();
    return new Promise((resolve) => {
      const s: Sleeper = { timer: setTimeout(() => { this.sleepers.delete(s); resolve(); }, ms), resolve };
      this.sleepers.add(s);
    });
  }

  private async run(task: LoopTask): Promise<void> {
    while (this.active) {
      let wait: number;
      try {
        wait = await task.turn();
      } catch (err) {
        const e = err as Error;
        if (task.onError) task.onError(e.message); else this.lastError = e.message;
        this.log.error({ ...task.fields, err: e.stack }, task.failed);
        if (!task.retryAfter) return;
        wait = task.retryAfter();
      }
      if (wait > 0 && this.active) await this.sleep(wait);
    }
  }
}
