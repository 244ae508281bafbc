import { filePositionOfId } from '../../src/core/event';

/** The replay ids of one file identity read by one host: its checkpoint key and the line offsets. */
export interface ReplayGroup {
  /** the checkpoint key the id prefix stands for; null for a prefix that names none */
  source: string | null;
  offsets: Set<number>;
  /** what the ids hold around the offset: `<prefix>.` and `.<host tag>` (empty for ids made without one) */
  head: string;
  tail: string;
}

/**
 * The ids of events written after the last checkpoint, which a restarted daemon may send again.
 * A Set of strings as far as its users see (`size`, `add`, `has`, `delete`), kept compactly: a file
 * line's id (`<22-char prefix>.<offset in base 36>.<host tag>`, or without the tag as older ids) as a
 * number under its prefix and tag, about 30 bytes of heap instead of 75; any other id (Windows events)
 * as a string.
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
    let g = this.groups.get(k.key);
    if (!g) {
      g = { source: filePositionOfId(id)?.source ?? null, offsets: new Set(), head: k.head, tail: k.tail };
      this.groups.set(k.key, g);
    }
    if (g.offsets.has(k.offset)) return false;
    g.offsets.add(k.offset);
    this.count++;
    return true;
  }

  has(id: string): boolean {
    const k = split(id);
    if (!k) return this.others.has(id);
    return this.groups.get(k.key)?.offsets.has(k.offset) ?? false;
  }

  delete(id: string): boolean {
    const k = split(id);
    if (!k) {
      if (!this.others.delete(id)) return false;
      this.count--;
      return true;
    }
    const g = this.groups.get(k.key);
    if (!g || !g.offsets.delete(k.offset)) return false;
    this.count--;
    if (g.offsets.size === 0) this.groups.delete(k.key);
    return true;
  }

  /** The ids, as strings (file lines' ids in the canonical form they were added in). */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const g of this.groups.values()) for (const o of g.offsets) yield `${g.head}${o.toString(36)}${g.tail}`;
    yield* this.others;
  }

  /** The file identities (with their hosts' tags) held, for settling them by their checkpoint; edit only through the methods below. */
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

/**
 * The group key (the id without its offset), the offset, and what surrounds the offset, of a file
 * line's id in the canonical form `fileEventId` writes (or the form without a host tag), else null.
 */
function split(id: string): { key: string; offset: number; head: string; tail: string } | null {
  const dot = id.indexOf('.');
  if (dot !== 22) return null;
  const second = id.indexOf('.', dot + 1);
  const digits = second < 0 ? id.slice(dot + 1) : id.slice(dot + 1, second);
  if (digits.length === 0 || digits.length > 10) return null;
  const offset = parseInt(digits, 36);
  if (!Number.isSafeInteger(offset) || offset.toString(36) !== digits) return null;
  const tail = second < 0 ? '' : id.slice(second);
  if (second >= 0 && !HOST_TAG.test(tail)) return null;
  return { key: id.slice(0, dot) + tail, offset, head: id.slice(0, dot + 1), tail };
}

/** `.` and a host tag (hostIdTag: 8 base64url characters) */
const HOST_TAG = /^\.[A-Za-z0-9_-]{8}$/;
