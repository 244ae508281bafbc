import { Backoff } from '../../../src/core/retry/backoff';

/** How long /health shows a notification refused for good, unless one is accepted sooner. */
const REFUSED_SHOWS_MS = 24 * 3_600_000;

/**
 * Delivery state of one notifier: its own backoff, so one unreachable receiver delays no other.
 * (Not the core retry loop: a lane is not a loop that waits; the dispatcher's scans start it again
 * once `retryAt` has passed, so a lane holds no timer and a stop has no wait to cut short.)
 */
export class NotifierLane {
  busy = false;
  /** no try before this (ms since epoch): set by a transient failure */
  retryAt = 0;
  failuresInARow = 0;
  sent = 0;
  retries = 0;
  failed = 0;
  lastError?: string;
  lastErrorAt?: string;
  lastSentAt?: string;
  /** when a notification was last refused for good (moved to failed/) */
  lastRefusedAt?: string;
  readonly backoff: Backoff;

  constructor(readonly name: string, baseMs: number, maxMs: number) {
    this.backoff = new Backoff(baseMs, maxMs);
  }

  /** `count`: the alert notifications the message carried (more than one for a group_window bundle) */
  onSent(count = 1): void {
    this.sent += count;
    this.failuresInARow = 0;
    this.retryAt = 0;
    this.lastSentAt = new Date().toISOString();
    this.backoff.reset();
  }

  /** A transient failure: the lane waits its backoff (or the receiver's Retry-After, if longer), capped. */
  onTransient(error: string, retryAfterMs?: number): number {
    this.retries++;
    this.failuresInARow++;
    this.noteError(error);
    const wait = this.backoff.next(retryAfterMs);
    this.retryAt = Date.now() + wait;
    return wait;
  }

  onPermanent(error: string, count = 1): void {
    this.failed += count;
    this.noteError(error);
    this.lastRefusedAt = this.lastErrorAt;
  }

  noteError(error: string): void {
    this.lastError = error;
    this.lastErrorAt = new Date().toISOString();
  }

  /**
   * For /health: failing while notifications wait and the last try (since the last success) failed,
   * and for a day after a notification was refused for good, unless one is accepted sooner (an
   * alert was not delivered: somebody must look at failed/).
   */
  health(pending: number): { ok: boolean; detail: string } {
    const since = (at: string | undefined): boolean => at !== undefined && (this.lastSentAt === undefined || at >= this.lastSentAt);
    if (since(this.lastRefusedAt) && Date.now() - Date.parse(this.lastRefusedAt!) < REFUSED_SHOWS_MS) return { ok: false, detail: `a notification was refused for good (moved to failed/): ${this.lastError}` };
    if (pending > 0 && since(this.lastErrorAt)) {
      const next = this.retryAt > Date.now() ? `; next try at ${new Date(this.retryAt).toISOString()}` : '';
      return { ok: false, detail: `${pending} waiting; last try failed: ${this.lastError}${next}` };
    }
    return { ok: true, detail: `${this.sent} sent, ${pending} waiting` };
  }

  status(pending: number): Record<string, unknown> {
    return {
      pending,
      sent: this.sent,
      failed: this.failed,
      retries: this.retries,
      ...(this.lastSentAt ? { last_sent_at: this.lastSentAt } : {}),
      ...(this.lastError ? { last_error: this.lastError, last_error_at: this.lastErrorAt } : {}),
      ...(this.retryAt > Date.now() ? { next_try_at: new Date(this.retryAt).toISOString() } : {}),
    };
  }
}
