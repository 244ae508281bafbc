import { promises as fsp, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Span } from '../../src/core/event';
import { LineSplitter } from './line-splitter';
import { SpanBuilder, type SpanContext } from './span-builder';
import { fingerprintHandle, fingerprintOf, gzipTrailerSize } from './fingerprint';
import { openFound } from './open-found';
import type { FoundFile } from './discovery';
import type { NdjsonPool } from './workers/ndjson-pool';
import { SpanJobs, type RuleFields } from './workers/span-jobs';

export type Submit = (span: Span) => Promise<void>;

/** What every reader of a file input is made with: its spans' context, and the input's workers (none: lines are made events in this thread). */
export type ReaderContext = Omit<SpanContext, 'source' | 'identity' | 'path'> & { pool?: NdjsonPool | null; fields?: RuleFields };

/** What one turn of reading found. */
export type PumpResult =
  | 'progress'   // read something
  | 'idle'       // at the end, nothing new
  | 'truncated'  // the file is now shorter than what was read (copytruncate)
  | 'replaced'   // the file's first line changed: truncated and written anew since the last look
  | 'finished';  // a compressed file was read to its end

const CHUNK = 256 * 1024;

/** Shared by both readers: identity, position, lines → spans. */
abstract class ReaderBase {
  readonly splitter: LineSplitter;
  readonly builder: SpanBuilder;
  /** the reads given to the input's workers, when it has some */
  private readonly jobs: SpanJobs | null;
  lastActivity = Date.now();
  bytesRead = 0;

  constructor(readonly identity: string, readonly source: string, public path: string, public dev: number, public ino: number,
    start: number, maxLineBytes: number, span: ReaderContext) {
    this.splitter = new LineSplitter(maxLineBytes, start);
    const { pool, fields, ...spanCtx } = span;
    this.builder = new SpanBuilder({ ...spanCtx, source, identity, path });
    this.jobs = pool && pool.size > 0
      ? new SpanJobs(pool, this.builder, { hostName: span.hostName, dataset: span.dataset, timestampField: span.timestampField, maxLineBytes, fields }, pool.size + 1)
      : null;
  }

  /** Next byte to read: everything before it has been handed to the splitter. */
  get position(): number { return this.splitter.lineStart + this.splitter.pendingBytes; }

  protected async feed(chunk: Buffer, submit: Submit): Promise<void> {
    if (this.jobs) {
      this.bytesRead += chunk.length;
      this.lastActivity = Date.now();
      await this.jobs.push(chunk, this.splitter, this.path, submit);
      return;
    }
    this.builder.begin(this.path);
    this.splitter.push(chunk, this.builder.onLine);
    this.bytesRead += chunk.length;
    this.lastActivity = Date.now();
    const span = this.builder.finish();
    if (span) await submit(span);
  }

  /** Emits a last line that has no newline (the file will not grow any more). */
  async flushPartial(submit: Submit): Promise<boolean> {
    await this.jobs?.settle(submit);
    if (this.splitter.pendingBytes === 0) return false;
    this.builder.begin(this.path);
    this.splitter.flush(this.builder.onLine);
    const span = this.builder.finish();
    if (span) await submit(span);
    return true;
  }

  /**
   * Reads up to `maxChunks` chunks and submits their spans; with workers, every span of the turn is submitted
   * before it ends, whatever ends it (the file replaced, a read error): what the position says was read
   * has been handed on.
   */
  async pump(submit: Submit, maxChunks: number): Promise<PumpResult> {
    if (!this.jobs) return this.read(submit, maxChunks);
    try {
      return await this.read(submit, maxChunks);
    } finally {
      await this.jobs.settle(submit);
    }
  }

  abstract readonly gzip: boolean;
  protected abstract read(submit: Submit, maxChunks: number): Promise<PumpResult>;
  abstract close(): Promise<void>;
}

/** Reads a plain file through one open handle, which follows the file through renames and deletion. */
export class PlainReader extends ReaderBase {
  readonly gzip = false;
  private fh: fsp.FileHandle;
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private buf2: Buffer = Buffer.allocUnsafe(CHUNK);
  private head: Buffer;
  private checkedSize = -1;
  private ahead: { pos: number; buf: Buffer; read: Promise<number> } | null = null;
  private readError: NodeJS.ErrnoException | null = null;
  size = 0;
  /** the size last written into the checkpoint's facts */
  sizeNoted = -1;
  atEof = false;
  deleted = false;

  constructor(fh: fsp.FileHandle, identity: string, source: string, path: string, dev: number, ino: number, start: number,
    maxLineBytes: number, private fingerprintBytes: number, span: ReaderContext) {
    super(identity, source, path, dev, ino, start, maxLineBytes, span);
    this.fh = fh;
    this.head = Buffer.allocUnsafe(fingerprintBytes);
  }

  /** Opens a discovered file for reading from `start`; null when the name now holds another file or other content. */
  static async open(f: FoundFile, identity: string, source: string, start: number, maxLineBytes: number, fingerprintBytes: number,
    span: ReaderContext): Promise<PlainReader | null> {
    const o = await openFound(f, fingerprintBytes);
    if (!o) return null;
    if (o.fingerprint !== identity) { await o.fh.close(); return null; }
    const r = new PlainReader(o.fh, identity, source, f.path, o.stat.dev, o.stat.ino, start, maxLineBytes, fingerprintBytes, span);
    r.size = o.stat.size;
    return r;
  }

  /** Continues the same content in another file (the copy that copytruncate made); false when `f` is not that copy (any more). */
  async switchTo(f: FoundFile): Promise<boolean> {
    const o = await openFound(f, this.fingerprintBytes);
    if (!o) return false;
    if (o.fingerprint !== this.identity || o.stat.size < this.position) { await o.fh.close(); return false; }
    await this.settleAhead();
    await this.fh.close().catch(() => undefined);
    this.fh = o.fh;
    this.path = f.path;
    this.dev = o.stat.dev;
    this.ino = o.stat.ino;
    this.size = o.stat.size;
    this.checkedSize = -1;
    this.atEof = false;
    this.deleted = false;
    this.lastActivity = Date.now();
    return true;
  }

  protected async read(submit: Submit, maxChunks: number): Promise<PumpResult> {
    let pos = this.position;
    // A read of the next chunk left running at the end of the last turn: the file was known to hold more
    // than had been read, so no stat is needed first (reading on without a pause between turns).
    let ahead = this.ahead;
    this.ahead = null;
    if (ahead !== null && (ahead.pos !== pos || pos >= this.size)) { await ahead.read; ahead = null; }
    if (ahead === null) {
      const st = await this.fh.stat();
      this.size = st.size;
      this.deleted = st.nlink === 0;
      if (st.size < pos) return 'truncated';
      if (st.size === pos) {
        // nothing new; a file truncated and refilled to exactly this size would still show a new first line
        if (st.size !== this.checkedSize) {
          if (!(await this.sameContent())) return 'replaced';
          this.checkedSize = st.size;
        }
        this.atEof = true;
        return 'idle';
      }
    }
    this.atEof = false;
    const size = this.size;
    // Double buffering: the next chunk is read while this one is cut into lines and normalised.
    let cur = ahead !== null ? ahead.buf : this.buf;
    let spare = cur === this.buf ? this.buf2 : this.buf;
    let next: Promise<number> | null = ahead !== null ? ahead.read : this.readInto(cur, pos, size);
    let nextPos = pos;
    for (let i = 0; i < maxChunks && next; i++) {
      const bytesRead = await next;
      next = null;
      if (this.readError) { const e = this.readError; this.readError = null; throw e; }
      if (bytesRead === 0) { this.checkedSize = -1; break; } // shorter than the last stat said: look again
      // The file may have been truncated and refilled since the stat (copytruncate while a submit waited):
      // the first line is then another one, and the bytes just read belong to the new content, not to this one.
      if (!this.sameContentSync()) return 'replaced';
      nextPos += bytesRead;
      if (nextPos < size) next = this.readInto(spare, nextPos, size);
      try {
        await this.feed(cur.subarray(0, bytesRead), submit);
      } catch (err) {
        if (next) await next;
        throw err;
      }
      [cur, spare] = [spare, cur];
      pos = this.position;
    }
    // the turn is over with a read running: it starts the next turn (into `cur`, the buffer not in use now)
    if (next) this.ahead = { pos: nextPos, buf: cur, read: next };
    this.checkedSize = size;
    if (pos >= size) this.atEof = true;
    return 'progress';
  }

  /** Reads into `buf`; never rejects (a failed read counts 0 bytes read, and the next stat tells what happened). */
  private readInto(buf: Buffer, pos: number, size: number): Promise<number> {
    return this.fh.read(buf, 0, Math.min(buf.length, size - pos), pos).then((r) => r.bytesRead, (err: NodeJS.ErrnoException) => {
      this.readError = err;
      return 0;
    });
  }

  /** The same check as `sameContent`, as one small synchronous read: it runs after every chunk. */
  private sameContentSync(): boolean {
    const n = readSync(this.fh.fd, this.head, 0, this.head.length, 0);
    return fingerprintOf(this.head.subarray(0, n), this.fingerprintBytes) === this.identity;
  }

  /** True while the file still starts with the line that identifies it. */
  private async sameContent(): Promise<boolean> {
    return (await fingerprintHandle(this.fh, this.fingerprintBytes)) === this.identity;
  }

  async close(): Promise<void> {
    await this.settleAhead();
    await this.fh.close().catch(() => undefined);
  }

  /** Lets a read left running finish (its buffer and handle must not be reused or closed under it). */
  private async settleAhead(): Promise<void> {
    const a = this.ahead;
    this.ahead = null;
    if (a) await a.read;
  }
}

/** Reads a gzip-compressed rotated file once, from its start or from where its plain original was left. */
export class GzipReader extends ReaderBase {
  readonly gzip = true;
  private it: AsyncIterator<Buffer>;
  private stream: NodeJS.ReadableStream;
  private fh: fsp.FileHandle;
  private input: ReturnType<fsp.FileHandle['createReadStream']>;
  private skip: number;
  finished = false;

  private constructor(fh: fsp.FileHandle, path: string, identity: string, source: string, dev: number, ino: number, start: number,
    maxLineBytes: number, span: ReaderContext, readonly trailerSize: number | null) {
    super(identity, source, path, dev, ino, start, maxLineBytes, span);
    this.skip = start;
    const gunzip = createGunzip();
    this.fh = fh;
    this.input = fh.createReadStream({ start: 0, highWaterMark: CHUNK, autoClose: false });
    this.stream = this.input.on('error', (e) => gunzip.destroy(e)).pipe(gunzip);
    this.it = (this.stream as unknown as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /**
   * Opens a discovered compressed file to read from `start` (decompressed bytes), through a handle checked to
   * hold this content; null when the name now holds another file. `trailerSize` tells whether it was read already.
   */
  static async open(f: FoundFile, identity: string, source: string, start: number, maxLineBytes: number, fingerprintBytes: number,
    span: ReaderContext): Promise<GzipReader | null> {
    const o = await openFound(f, fingerprintBytes);
    if (!o) return null;
    try {
      if (o.fingerprint !== identity) { await o.fh.close(); return null; }
      const isize = await gzipTrailerSize(o.fh, o.stat.size);
      return new GzipReader(o.fh, f.path, identity, source, o.stat.dev, o.stat.ino, start, maxLineBytes, span, isize);
    } catch (err) {
      await o.fh.close().catch(() => undefined);
      throw err;
    }
  }

  get atEof(): boolean { return this.finished; }

  protected async read(submit: Submit, maxChunks: number): Promise<PumpResult> {
    if (this.finished) return 'finished';
    for (let i = 0; i < maxChunks; i++) {
      const r = await this.it.next();
      if (r.done) {
        this.finished = true;
        await this.flushPartial(submit);
        return 'finished';
      }
      let chunk = r.value;
      if (this.skip > 0) {
        if (chunk.length <= this.skip) { this.skip -= chunk.length; continue; }
        chunk = chunk.subarray(this.skip);
        this.skip = 0;
      }
      await this.feed(chunk, submit);
    }
    return 'progress';
  }

  async close(): Promise<void> {
    this.input.destroy();
    (this.stream as unknown as { destroy(): void }).destroy();
    await this.fh.close().catch(() => undefined);
  }
}

export type Reader = PlainReader | GzipReader;
