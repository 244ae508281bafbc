/**
 * The one start/stop/pause/sleep loop of the collectors: a collector gives it its turns (one per
 * independent loop, e.g. one per channel) and keeps only what a turn does. Each turn returns how long
 * to wait before the next one; stop() ends every loop promptly, waking any sleep; wake() (a filesystem
 * notification) ends the waits between turns early, at most once per `wakeGapMs` of a loop's turns.
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

/** One loop's state between its turns, for wake(). */
interface LoopState {
  /** when its current or last turn began */
  turnStartedAt: number;
  /** a wake came during the turn, or while waiting: the next turn comes early */
  woken: boolean;
  /** its wait between turns, while it waits */
  idle: Sleeper | null;
  /** the wait ends at this time (ms since epoch) */
  idleUntil: number;
}

export class PollingLoop {
  private active = false;
  private loops: Promise<void>[] = [];
  private sleepers = new Set<Sleeper>();
  private states = new Set<LoopState>();
  /** set by the control API: the turns read nothing while paused (what they keep open stays open) */
  paused = false;
  /** the last problem of the collector, shown in /status and /health */
  lastError: string | null = null;

  /**
   * @param wakeGapMs the least time from one turn's start to the next turn that a wake() brings on: a
   *   busy file wakes its loop once per gap, and each turn reads all there is, rather than once per write
   */
  constructor(private readonly log: LoopLog, private readonly wakeGapMs = 0) {}

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

  /**
   * Something changed (a filesystem notification): each loop turns again without its usual wait, but
   * not sooner than `wakeGapMs` after its last turn began. A wake during a turn is kept for after it.
   */
  wake(): void {
    if (!this.active) return;
    for (const st of this.states) {
      st.woken = true;
      const idle = st.idle;
      if (!idle) continue;
      const at = st.turnStartedAt + this.wakeGapMs;
      if (at >= st.idleUntil) continue;
      clearTimeout(idle.timer);
      const end = () => { if (st.idle === idle) st.idle = null; this.sleepers.delete(idle); idle.resolve(); };
      st.idleUntil = at;
      idle.timer = setTimeout(end, Math.max(0, at - Date.now()));
    }
  }

  /** Waits `ms`, or less when stop() comes first (at once when stopped). */
  sleep(ms: number): Promise<void> {
    if (!this.active) return Promise.resolve();
    return new Promise((resolve) => {
      const s: Sleeper = { timer: setTimeout(() => { this.sleepers.delete(s); resolve(); }, ms), resolve };
      this.sleepers.add(s);
    });
  }

  /** The wait between two turns of a loop: `ms`, shortened by wake() and ended by stop(). */
  private idle(st: LoopState, ms: number): Promise<void> {
    const until = st.woken ? Math.min(Date.now() + ms, st.turnStartedAt + this.wakeGapMs) : Date.now() + ms;
    if (until <= Date.now()) return Promise.resolve();
    return new Promise((resolve) => {
      const s: Sleeper = { timer: setTimeout(() => { st.idle = null; this.sleepers.delete(s); resolve(); }, until - Date.now()), resolve };
      st.idle = s;
      st.idleUntil = until;
      this.sleepers.add(s);
    });
  }

  private async run(task: LoopTask): Promise<void> {
    const st: LoopState = { turnStartedAt: 0, woken: false, idle: null, idleUntil: 0 };
    this.states.add(st);
    try {
      await this.turns(task, st);
    } finally {
      this.states.delete(st);
    }
  }

  private async turns(task: LoopTask, st: LoopState): Promise<void> {
    while (this.active) {
      let wait: number;
      st.turnStartedAt = Date.now();
      st.woken = false;
      try {
        wait = await task.turn();
      } catch (err) {
        const e = err as Error;
        if (task.onError) task.onError(e.message); else this.lastError = e.message;
        this.log.error({ ...task.fields, err: e.stack }, task.failed);
        if (!task.retryAfter) return;
        wait = task.retryAfter();
      }
      if (wait > 0 && this.active) await this.idle(st, wait);
      st.idle = null;
    }
  }
}
