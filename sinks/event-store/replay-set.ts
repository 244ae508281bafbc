import { filePositionOfId } from '../../src/core/event';

/** The replay ids of one file identity: its checkpoint key and the line offsets. */
export interface ReplayGroup {
  /** the checkpoint key the id prefix stands for; null for a prefix that names none */
  source: string | null;
  offsets: Set<number>;
}

/**
 * The ids of events written after the last checkpoint, which a restarted daemon may send again.
 * A Set of strings as far as its users see (`size`, `add`, `has`, `delete`), kept compactly: a file
 * line's id (`<22-char prefix>.<offset in base 36>`) as a number under its prefix, about 30 bytes of
 * heap instead of 75; any other id (Windows events) as a string.
 */
export class ReplaySet {
  private groups = new Map<string, ReplayGroup>();
  private others = new Set<string>();
  private count = 0;

  get size(): number { return this.count; }

  /** Adds an id; false when it was already there. */
  add(id: string): boolean {
    const k = split(id);
    if (!k) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      this.count++;
      return true;
    }
    let g = this.groups.get(k.prefix);
    if (!g) {
      g = { source: filePositionOfId(id)?.source ?? null, offsets: new Set() };
      this.groups.set(k.prefix, g);
    }
    if (g.offsets.has(k.offset)) return false;
    g.offsets.add(k.offset);
    this.count++;
    return true;
  }

  has(id: string): boolean {
    const k = split(id);
    if (!k) return this.others.has(id);
    return this.groups.get(k.prefix)?.offsets.has(k.offset) ?? false;
  }

  delete(id: string): boolean {
    const k = split(id);
    if (!k) {
      if (!this.others.delete(id)) return false;
      this.count--;
      return true;
    }
    const g = this.groups.get(k.prefix);
    if (!g || !g.offsets.delete(k.offset)) return false;
    this.count--;
    if (g.offsets.size === 0) this.groups.delete(k.prefix);
    return true;
  }

  /** The ids, as strings (file lines' ids in the canonical form they were added in). */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const [prefix, g] of this.groups) for (const o of g.offsets) yield `${prefix}.${o.toString(36)}`;
    yield* this.others;
  }

  /** The file identities held (for settling them by their checkpoint); edit only through the methods below. */
  fileGroups(): IterableIterator<[string, ReplayGroup]> {
    return this.groups.entries();
  }

  /** Drops the offsets of a group below `offset` (covered by its checkpoint); returns how many. */
  dropBelow(prefix: string, offset: number): number {
    const g = this.groups.get(prefix);
    if (!g) return 0;
    let n = 0;
    for (const o of g.offsets) if (o < offset) { g.offsets.delete(o); n++; }
    this.count -= n;
    if (g.offsets.size === 0) this.groups.delete(prefix);
    return n;
  }

  /** Drops a whole group; returns how many ids it held. */
  dropGroup(prefix: string): number {
    const g = this.groups.get(prefix);
    if (!g) return 0;
    this.groups.delete(prefix);
    this.count -= g.offsets.size;
    return g.offsets.size;
  }

  /** Drops the ids that are not file lines; returns how many. */
  dropOthers(): number {
    const n = this.others.size;
    this.others.clear();
    this.count -= n;
    return n;
  }
}

/** The prefix and offset of a file line's id in the canonical form `fileEventId` writes, else null. */
function split(id: string): { prefix: string; offset: number } | null {
  const dot = id.indexOf('.');
  if (dot !== 22) return null;
  const digits = id.slice(dot + 1);
  if (digits.length === 0 || digits.length > 10) return null;
  const offset = parseInt(digits, 36);
  if (!Number.isSafeInteger(offset) || offset.toString(36) !== digits) return null;
  return { prefix: id.slice(0, dot), offset };
}
