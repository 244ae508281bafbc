/**
 * What a `new_term` rule has seen: each term (its key: the group_by values and the values of `fields`)
 * with the newest event time it was seen at. A term is known at time t when it was seen within the
 * history before t (t − seen < history). The memory bound: at most `maxTerms` terms; a new term beyond
 * the cap makes the least recently seen one forgotten (counted in `forgotten`). Terms last seen longer
 * than the history ago are dropped on `expire`.
 *
 * Recency is the order of sightings as events came: a queue of (term, time) entries; a term's entry is
 * the one whose time is its `queued` time, the others are stale and skipped. A sighting moves the term
 * to the tail only once it is at least REQUEUE_MS newer than its entry (a term seen a thousand times a
 * second is queued once a second), so the head is the least recently seen term give or take that much,
 * and forgetting and expiring cost O(1) each (amortised); the queue is compacted once stale entries
 * outnumber live ones. Whether a term is known is judged by its exact newest time, never by its entry.
 * (A Map deleted from its front would keep the deleted slots ahead of its first entry until it
 * rehashes, and every look for the oldest term would walk over them.) An out-of-order event moves
 * nothing when its term was seen later already.
 */
export interface TermHistoryState {
  /** [term key, newest event time seen], least recently seen first */
  terms: Array<[string, number]>;
}

/** a term is moved to the queue's tail at most this often (event time) */
const REQUEUE_MS = 1000;

interface Seen {
  /** newest event time the term was seen at */
  last: number;
  /** the time of its entry in the queue */
  queued: number;
}

export class TermHistory {
  private readonly seen = new Map<string, Seen>();
  /** sightings in the order they came, from `head` on; stale unless seen.get(key).queued === time */
  private keys: string[] = [];
  private times: number[] = [];
  private head = 0;
  /** terms forgotten at the cap since this history was made (not kept in snapshots) */
  forgotten = 0;

  constructor(
    private readonly historyMs: number,
    private readonly maxTerms: number,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** Records a sighting of `key` at `time`; returns whether the term was known at that time before it. */
  see(key: string, time: number): boolean {
    const s = this.seen.get(key);
    if (s !== undefined) {
      const known = time - s.last < this.historyMs;
      if (time > s.last) {
        s.last = time;
        if (time - s.queued >= REQUEUE_MS) this.queue(key, s);
      }
      return known;
    }
    const fresh = { last: time, queued: time };
    this.seen.set(key, fresh);
    this.queue(key, fresh);
    if (this.seen.size > this.maxTerms) {
      this.dropOldest();
      this.forgotten++;
    }
    return false;
  }

  /**
   * Drops the terms, from the least recently seen on, whose last sighting lies at or before `before`
   * (no event at or after `before` + history can find them known). A term seen out of order can sit
   * behind newer ones and stay a little longer; `see` still judges it by its time.
   */
  expire(before: number): void {
    for (;;) {
      this.skipStale();
      if (this.head >= this.keys.length || this.times[this.head] > before) break;
      const key = this.keys[this.head];
      const s = this.seen.get(key)!;
      // seen since it was queued, after `before`: to the tail with its newest time
      if (s.last > before) this.queue(key, s);
      else this.dropOldest();
    }
    this.maybeCompact();
  }

  snapshot(): TermHistoryState {
    const terms: Array<[string, number]> = [];
    for (let i = this.head; i < this.keys.length; i++) {
      const s = this.seen.get(this.keys[i]);
      if (s !== undefined && s.queued === this.times[i]) terms.push([this.keys[i], s.last]);
    }
    return { terms };
  }

  restore(state: unknown): void {
    const s = state as TermHistoryState | null | undefined;
    if (!s || !Array.isArray(s.terms)) throw new Error('bad detector snapshot: terms');
    this.seen.clear();
    this.keys = [];
    this.times = [];
    this.head = 0;
    for (const t of s.terms) {
      if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[1] !== 'number') throw new Error('bad detector snapshot: term');
      const s = { last: t[1], queued: t[1] };
      this.seen.set(t[0], s);
      this.queue(t[0], s);
    }
    // a snapshot written with a larger cap: keep the most recently seen
    while (this.seen.size > this.maxTerms) this.dropOldest();
  }

  /** (re)queues the term at its newest time */
  private queue(key: string, s: Seen): void {
    s.queued = s.last;
    this.keys.push(key);
    this.times.push(s.last);
    this.maybeCompact();
  }

  /** compacts once stale or dropped entries outnumber the live ones (amortised O(1) per sighting) */
  private maybeCompact(): void {
    if (this.keys.length > 1024 && this.keys.length > 2 * this.seen.size + 512) this.compact();
  }

  /** removes the least recently seen term */
  private dropOldest(): void {
    this.skipStale();
    if (this.head >= this.keys.length) return;
    this.seen.delete(this.keys[this.head]);
    this.head++;
  }

  private skipStale(): void {
    while (this.head < this.keys.length && this.seen.get(this.keys[this.head])?.queued !== this.times[this.head]) this.head++;
  }

  /** keeps only the live entries, in order */
  private compact(): void {
    const keys: string[] = [];
    const times: number[] = [];
    for (let i = this.head; i < this.keys.length; i++) {
      if (this.seen.get(this.keys[i])?.queued === this.times[i]) {
        keys.push(this.keys[i]);
        times.push(this.times[i]);
      }
    }
    this.keys = keys;
    this.times = times;
    this.head = 0;
  }
}
