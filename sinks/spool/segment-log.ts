import { promises as fsp, mkdirSync, readdirSync, statSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cutTornTail } from './torn-tail';
import { writeFileAtomic, fsyncDir, removeStaleTemps } from '../../src/core/fs/atomic-write';
import { writeFully } from '../../src/core/fs/write-fully';

/** A position in the log: a segment number and a byte offset in it. */
export interface SpoolCursor {
  segment: number;
  pos: number;
}

export interface SegmentLogOptions {
  dir: string;
  /** a segment is closed and a new one started past this size */
  segmentBytes: number;
  /** appends wait (the pipeline backs up) while the unshipped backlog is larger than this */
  maxBytes: number;
}

export class SpoolFullError extends Error {
  constructor(backlog: number, max: number) {
    super(`disk spool full: ${backlog} bytes waiting to be shipped (max_bytes ${max})`);
  }
}

const SEGMENT = /^segment-(\d{12})\.ndjson$/;
const segName = (n: number) => `segment-${String(n).padStart(12, '0')}.ndjson`;

/**
 * The disk spool: an append-only log of NDJSON records in numbered segment files, fsynced before an
 * append returns, with one reader whose committed cursor is kept in `cursor.json`. Segments wholly
 * before the committed cursor are deleted. What the reader sees ends at the last fsynced append.
 */
export class SegmentLog {
  private fh: fsp.FileHandle | null = null;
  private head = 0;          // segment being appended to
  private headSize = 0;      // its durable size
  private headTorn = false;  // a failed append's bytes may still be past headSize: cut before the next
  private sizes = new Map<number, number>(); // closed segments' sizes
  private committed: SpoolCursor = { segment: 1, pos: 0 };
  private readFh: { segment: number; fh: fsp.FileHandle } | null = null;
  tornBytes = 0;

  constructor(private o: SegmentLogOptions) {}

  /** The folder of the segment files. */
  get dir(): string { return this.o.dir; }

  private get cursorPath(): string { return join(this.o.dir, 'cursor.json'); }

  async open(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true });
    removeStaleTemps(this.cursorPath);
    const nums = readdirSync(this.o.dir).map((f) => SEGMENT.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((a, b) => a - b);
    if (existsSync(this.cursorPath)) this.committed = JSON.parse(readFileSync(this.cursorPath, 'utf8')) as SpoolCursor;
    else if (nums.length > 0) this.committed = { segment: nums[0], pos: 0 };
    for (const n of nums) {
      if (n < this.committed.segment) { await fsp.unlink(join(this.o.dir, segName(n))).catch(() => undefined); continue; }
      this.sizes.set(n, statSync(join(this.o.dir, segName(n))).size);
    }
    const last = nums.filter((n) => n >= this.committed.segment).pop();
    if (last !== undefined) {
      this.tornBytes = cutTornTail(join(this.o.dir, segName(last)));
      this.sizes.set(last, statSync(join(this.o.dir, segName(last))).size);
    }
    this.head = Math.max(last ?? 0, this.committed.segment);
    await this.openHead();
  }

  private async openHead(): Promise<void> {
    this.fh = await fsp.open(join(this.o.dir, segName(this.head)), 'a', 0o600);
    this.headSize = (await this.fh.stat()).size;
    this.sizes.delete(this.head);
    await fsyncDir(this.o.dir);
  }

  /** Bytes appended and not yet committed by the reader. */
  get backlogBytes(): number {
    let n = this.headSize;
    for (const [seg, size] of this.sizes) if (seg >= this.committed.segment) n += size;
    return n - this.committed.pos;
  }

  /** The reader's committed position (restart point). */
  get committedCursor(): SpoolCursor { return { ...this.committed }; }

  /** Where appends end now (durably). */
  get endCursor(): SpoolCursor { return { segment: this.head, pos: this.headSize }; }

  /**
   * Appends records (whole lines) and fsyncs; throws SpoolFullError when the backlog is over
   * max_bytes. A failed write (a full disk) is cut back to the last whole record and thrown: the
   * caller retries, nothing of it is visible to the reader.
   */
  async append(data: Buffer): Promise<void> {
    if (this.backlogBytes + data.length > this.o.maxBytes && this.backlogBytes > 0) throw new SpoolFullError(this.backlogBytes, this.o.maxBytes);
    if (this.headTorn) await this.cutHead();
    if (this.headSize > 0 && this.headSize + data.length > this.o.segmentBytes) {
      const fh = this.fh;
      this.fh = null;
      await fh?.close();
      this.sizes.set(this.head, this.headSize);
      this.head++;
      this.headSize = 0;
    }
    if (!this.fh) await this.openHead();
    try {
      await writeFully(this.fh!, data);
      await this.fh!.datasync();
    } catch (err) {
      this.headTorn = true;
      await this.cutHead().catch(() => undefined);
      throw err;
    }
    this.headSize += data.length;
  }

  /** Cuts the head segment back to its durable size (the bytes of a failed append). */
  private async cutHead(): Promise<void> {
    await this.fh!.truncate(this.headSize);
    await this.fh!.datasync();
    this.headTorn = false;
  }

  /**
   * Reads whole records from `from`, at most about `maxBytes` (at least one record), never past
   * the durable end. Returns the bytes (ending with a newline) and the cursor after them.
   */
  async read(from: SpoolCursor, maxBytes: number): Promise<{ data: Buffer; next: SpoolCursor } | null> {
    let cur = { ...from };
    for (;;) {
      if (cur.segment > this.head) return null;
      const end = cur.segment === this.head ? this.headSize : this.sizes.get(cur.segment);
      if (end === undefined || cur.pos >= end) {
        // the end of a closed (or already committed and deleted) segment: the next one starts at 0
        if (cur.segment >= this.head) return null;
        cur = { segment: cur.segment + 1, pos: 0 };
        continue;
      }
      const fh = await this.reader(cur.segment);
      const want = Math.min(end - cur.pos, Math.max(maxBytes, 64 * 1024));
      let buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, cur.pos);
      buf = buf.subarray(0, bytesRead);
      let cut = buf.lastIndexOf(0x0a) + 1;
      if (cut === 0) {
        // one record longer than maxBytes: read on to its newline
        const nl = await this.findNewline(fh, cur.pos + bytesRead, end);
        buf = Buffer.allocUnsafe(nl - cur.pos);
        await fh.read(buf, 0, buf.length, cur.pos);
        cut = buf.length;
      }
      return { data: buf.subarray(0, cut), next: { segment: cur.segment, pos: cur.pos + cut } };
    }
  }

  private async findNewline(fh: fsp.FileHandle, from: number, end: number): Promise<number> {
    const b = Buffer.allocUnsafe(64 * 1024);
    for (let pos = from; pos < end;) {
      const { bytesRead } = await fh.read(b, 0, Math.min(b.length, end - pos), pos);
      if (bytesRead === 0) break;
      const i = b.subarray(0, bytesRead).indexOf(0x0a);
      if (i >= 0) return pos + i + 1;
      pos += bytesRead;
    }
    return end;
  }

  private async reader(segment: number): Promise<fsp.FileHandle> {
    if (this.readFh?.segment === segment) return this.readFh.fh;
    await this.readFh?.fh.close().catch(() => undefined);
    const fh = await fsp.open(join(this.o.dir, segName(segment)), 'r');
    this.readFh = { segment, fh };
    return fh;
  }

  private committing: Promise<void> = Promise.resolve();
  private soon: { cursor: SpoolCursor; timer: NodeJS.Timeout; onError: (err: Error) => void } | null = null;

  /**
   * `commit`, coalesced: the cursor is persisted within `delayMs`, together with any later one (one
   * cursor file write for many shipped reads). A crash before then only means that the records
   * after the last persisted cursor are shipped again (Elasticsearch answers 409 for those).
   */
  commitSoon(cursor: SpoolCursor, onError: (err: Error) => void, delayMs = 250): void {
    if (this.soon) { this.soon.cursor = cursor; this.soon.onError = onError; return; }
    const timer = setTimeout(() => { void this.flushCommits(); }, delayMs);
    this.soon = { cursor, timer, onError };
  }

  /** Persists a cursor that `commitSoon` still holds. */
  async flushCommits(): Promise<void> {
    const s = this.soon;
    this.soon = null;
    if (s) {
      clearTimeout(s.timer);
      await this.commit(s.cursor).catch((err: Error) => s.onError(err));
    }
    await this.committing;
  }

  /** The reader has shipped everything before `cursor`: persist it and delete the segments before it. Calls run one at a time. */
  commit(cursor: SpoolCursor): Promise<void> {
    const run = this.committing.then(() => this.commitNow(cursor));
    this.committing = run.catch(() => undefined);
    return run;
  }

  private async commitNow(cursor: SpoolCursor): Promise<void> {
    if (cursor.segment < this.committed.segment || (cursor.segment === this.committed.segment && cursor.pos <= this.committed.pos)) return;
    // a cursor at the very end of a closed segment is the start of the next one
    const closedEnd = this.sizes.get(cursor.segment);
    const c = closedEnd !== undefined && cursor.pos >= closedEnd && cursor.segment < this.head ? { segment: cursor.segment + 1, pos: 0 } : cursor;
    await writeFileAtomic(this.cursorPath, JSON.stringify(c));
    for (let s = this.committed.segment; s < c.segment; s++) {
      if (this.readFh?.segment === s) { await this.readFh.fh.close().catch(() => undefined); this.readFh = null; }
      await fsp.unlink(join(this.o.dir, segName(s))).catch(() => undefined);
      this.sizes.delete(s);
    }
    this.committed = c;
  }

  async close(): Promise<void> {
    await this.flushCommits();
    await this.fh?.close().catch(() => undefined);
    await this.readFh?.fh.close().catch(() => undefined);
    this.fh = null;
    this.readFh = null;
  }
}
