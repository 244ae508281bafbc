/**
 * Exponential backoff with jitter: the n-th wait is random in [base·2^n / 2, base·2^n], capped at
 * `maxMs`. Shared by the pipeline's sink drivers, the Elasticsearch sink and shipper, and the alert
 * outbox's dispatcher; the jitter keeps many retrying clients from hitting a recovering server in lockstep.
 */
export class Backoff {
  private n = 0;
  constructor(private baseMs = 250, private maxMs = 30_000) {}

  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** this.n);
    if (ceiling < this.maxMs) this.n++;
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  reset(): void { this.n = 0; }
}
