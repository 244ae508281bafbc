/**
 * How long each document has kept its version, measured on this process's monotonic clock from the
 * first read that showed the version. No other clock is trusted: a version read for the first time is
 * young, whatever the writer's `renewed_at` says.
 */
export class VersionWatch {
  private readonly seen = new Map<string, { version: string; since: number; changes: number }>();

  /**
   * Records a read of `key` at `version`; returns its age and how many changes were seen. A key that
   * appears after the first read counts its appearance as a change (it was written since); one found by
   * the first read may be a dead writer's leftover and counts none until it changes.
   */
  observe(key: string, version: string, now: number, firstRead: boolean): { ageMs: number; changes: number } {
    const s = this.seen.get(key);
    if (!s) {
      const changes = firstRead ? 0 : 1;
      this.seen.set(key, { version, since: now, changes });
      return { ageMs: 0, changes };
    }
    if (s.version !== version) {
      s.version = version;
      s.since = now;
      s.changes += 1;
    }
    return { ageMs: now - s.since, changes: s.changes };
  }

  /** Drops the keys not in `present` (documents gone from the index). */
  keepOnly(present: Set<string>): void {
    for (const k of this.seen.keys()) if (!present.has(k)) this.seen.delete(k);
  }
}
