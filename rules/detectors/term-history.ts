/**
 * What a `new_term` rule has seen: each term (its key: the group_by values and the values of `fields`)
 * with the newest event time it was seen at. A term is known at time t when it was seen within the
 * history before t (t − seen < history). The memory bound: at most `maxTerms` terms; a new term beyond
 * the cap makes the least recently seen one forgotten (counted in `forgotten`). Terms last seen longer
 * than the history ago are dropped on `expire`.
 *
 * The Map's order is the order of the last sighting as events came (a sighting moves the term to the
 * end), so the least recently seen term is the first one: forgetting it and expiring old terms cost
 * O(1) each. An out-of-order event moves nothing when its term was seen later already.
 */
export interface TermHistoryState {
  /** [term key, newest event time seen], least recently seen first */
  terms: Array<[string, number]>;
}

export class TermHistory {
  private readonly seen = new Map<string, number>();
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
    const last = this.seen.get(key);
    if (last !== undefined) {
      const known = time - last < this.historyMs;
      if (time > last) {
        // to the end: it is now the most recently seen
        this.seen.delete(key);
        this.seen.set(key, time);
      }
      return known;
    }
    this.seen.set(key, time);
    if (this.seen.size > this.maxTerms) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
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
    for (const [key, last] of this.seen) {
      if (last > before) break;
      this.seen.delete(key);
    }
  }

  snapshot(): TermHistoryState {
    return { terms: [...this.seen] };
  }

  restore(state: unknown): void {
    const s = state as TermHistoryState | null | undefined;
    if (!s || !Array.isArray(s.terms)) throw new Error('bad detector snapshot: terms');
    this.seen.clear();
    for (const t of s.terms) {
      if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[1] !== 'number') throw new Error('bad detector snapshot: term');
      this.seen.set(t[0], t[1]);
    }
    // a snapshot written with a larger cap: keep the most recently seen
    for (const key of this.seen.keys()) {
      if (this.seen.size <= this.maxTerms) break;
      this.seen.delete(key);
    }
  }
}
