/** Events per second over the last minute, from per-second buckets (the input's read throughput in /status). */
export class ReadRate {
  private buckets = new Map<number, number>();

  constructor(private readonly spanSeconds = 60) {}

  add(nowMs: number, n: number): void {
    const s = Math.floor(nowMs / 1000);
    this.buckets.set(s, (this.buckets.get(s) ?? 0) + n);
    if (this.buckets.size > this.spanSeconds * 2) this.prune(s);
  }

  perSecond(nowMs: number): number {
    const s = Math.floor(nowMs / 1000);
    this.prune(s);
    let total = 0;
    for (const n of this.buckets.values()) total += n;
    return Math.round((total / this.spanSeconds) * 100) / 100;
  }

  private prune(s: number): void {
    for (const k of this.buckets.keys()) if (k <= s - this.spanSeconds) this.buckets.delete(k);
  }
}
