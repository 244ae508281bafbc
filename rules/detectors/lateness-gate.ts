/**
 * Decides which events still count (SPEC 3.2). The detector remembers the newest event time it has
 * seen; an event older than newest − allowed lateness − window cannot fall into any window that is
 * still open, so it is counted as late and ignored. Anything newer is counted in its own time, even
 * when it comes out of order.
 */
export interface LatenessGateState {
  newest: number | null;
  late: number;
}

export class LatenessGate {
  /** newest event time seen (null before the first event; JSON has no -Infinity) */
  newest: number | null = null;
  late = 0;

  constructor(
    private readonly allowedLatenessMs: number,
    private readonly windowMs: number,
  ) {}

  /** the oldest event time that still counts, or undefined before any event */
  oldestAccepted(): number | undefined {
    return this.newest === null ? undefined : this.newest - this.allowedLatenessMs - this.windowMs;
  }

  /** true when the event counts; a late event is tallied and refused */
  admit(time: number): boolean {
    const oldest = this.oldestAccepted();
    if (oldest !== undefined && time < oldest) {
      this.late++;
      return false;
    }
    if (this.newest === null || time > this.newest) this.newest = time;
    return true;
  }

  snapshot(): LatenessGateState {
    return { newest: this.newest, late: this.late };
  }

  restore(state: unknown): void {
    const s = state as LatenessGateState;
    if (!s || typeof s.late !== 'number' || (s.newest !== null && typeof s.newest !== 'number')) {
      throw new Error('bad detector snapshot: lateness');
    }
    this.newest = s.newest;
    this.late = s.late;
  }
}
