/**
 * Exponential backoff with jitter: the n-th wait is random in [base·2^n / 2, base·2^n], capped at
 * `maxMs`. The retry loop (retry-loop.ts) and the alert outbox's notifier lanes draw their waits from
 * it; the jitter keeps many retrying clients from hitting a recovering server in lockstep.
 */
export class Backoff {
  private n = 0;
  constructor(private baseMs = 250, private maxMs = 30_000) {}

  /** The next wait; `atLeastMs` (a receiver's Retry-After) makes it longer, never beyond `maxMs`. */
  next(atLeastMs = 0): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** this.n);
    if (ceiling < this.maxMs) this.n++;
    const wait = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    return atLeastMs > wait ? Math.min(this.maxMs, atLeastMs) : wait;
  }

  reset(): void { this.n = 0; }
}
