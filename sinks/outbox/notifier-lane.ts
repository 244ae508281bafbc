import { Backoff } from '../../src/backoff';

/** Delivery state of one notifier: its own backoff, so one unreachable receiver delays no other. */
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
  onTransient(error: string, maxMs: number, retryAfterMs?: number): number {
    this.retries++;
    this.failuresInARow++;
    this.noteError(error);
    const wait = Math.min(maxMs, Math.max(this.backoff.next(), retryAfterMs ?? 0));
    this.retryAt = Date.now() + wait;
    return wait;
  }

  onPermanent(error: string, count = 1): void {
    this.failed += count;
    this.noteError(error);
  }

  noteError(error: string): void {
    this.lastError = error;
    this.lastErrorAt = new Date().toISOString();
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
