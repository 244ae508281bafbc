import { hostname } from 'node:os';
import picomatch from 'picomatch';
import type { FileInputConfig } from './config';
import type { CollectorDeps } from '../../src/core/contracts/collector-deps';
import { newNdjsonStats, type NdjsonStats } from '../ndjson/ndjson';
import { discover, type FoundFile } from './discovery';
import { openFound } from './open-found';
import { fileSourceKey } from '../../src/core/event';
import { PlainReader, GzipReader, type Reader, type PumpResult, type ReaderContext } from './readers';
import { listRotatedSiblings } from './rotated-siblings';
import { planRotationFollow, type KnownFile } from './rotation-follow';
import { PolledCollector } from '../polled-collector';
import type { LoopTask } from '../polling-loop';
import { WakeOnWrite, type WakeStatus } from './wake-on-write';
import type { WatchFunction } from './folder-watch';
import { NdjsonPool, ndjsonWorkers } from './workers/ndjson-pool';

export type FileCollectorDeps = CollectorDeps;

/** A known file that could not be found before it was read to its end. */
export interface LostFile {
  path: string;
  identity: string;
  /** bytes known not to have been read (at least: the file may have grown after it was last looked at) */
  unread_bytes: number;
  at: string;
}

/** What the registry keeps about a file besides its position. */
interface FileMeta {
  path?: unknown;
  /** the name it was first read under, which the globs matched: its rotated siblings are searched for it */
  live?: unknown;
  /** the input that reads it */
  input?: unknown;
  /** its size when last looked at */
  size?: unknown;
  ignored_older?: unknown;
}

const FILE_PREFIX = fileSourceKey('');
/** the fields read when no rule is loaded: none (the projection keeps what the pipeline reads of every event) */
const NO_FIELDS: readonly string[] = [];
/** Lost files listed in /status (the counter has them all). */
const LOST_LISTED = 50;

export interface FileStatus {
  path: string;
  identity: string;
  offset: number;
  read: number;
  size: number;
  compressed: boolean;
}

const CHUNKS_PER_TURN = 4;
const DELETED_GRACE_MS = 1000;
const FORGET_AFTER_MS = 7 * 86_400_000;
/** With `watch`, a busy file wakes the reading at most once per this (each turn reads to the end of every file). */
const WAKE_GAP_MS = 10;

/**
 * The file collector: globs re-discovered periodically, one reader per file identity (the hash of
 * the first line), following renames, copytruncate and compression, with checkpoints that the
 * sinks' acknowledgements move. Modelled on Filebeat's filestream and Vector's file source.
 */
export class FileCollector extends PolledCollector {
  readonly type = 'file';
  private readers = new Map<string, Reader>();              // identity → reader
  private byInode = new Map<string, PlainReader>();         // dev:ino → plain reader
  private fpCache = new Map<string, { size: number; mtimeMs: number; fp: string | null }>();
  private gzSeen = new Set<string>();                       // dev:ino:size:mtime of compressed files dealt with
  /** where closed readers stopped: their spans may still be unacknowledged, so the checkpoint can lag behind */
  private closedAt = new Map<string, number>();
  private warned = new Set<string>();
  /** known files the rotation search is done with: found read to their end, or gone */
  private settled = new Set<string>();
  private lost: LostFile[] = [];
  private lostBytes = 0;
  private readonly ownsPath: (path: string) => boolean;
  private lastScan = 0;
  private waiting = 0;
  readonly stats: NdjsonStats = newNdjsonStats();
  private reported: NdjsonStats = newNdjsonStats();
  /** positions of files unseen for FORGET_AFTER_MS after this are dropped (time before start does not count) */
  private readonly startedAt = Date.now();
  private spanCtx: ReaderContext;
  /** the threads that make lines events (`workers`); made at start, ended at stop */
  private pool: NdjsonPool | null = null;
  /** filesystem notifications (`watch: true`); made at start, closed at stop */
  private wakes: WakeOnWrite | null = null;

  /** @param watchFn how folders are watched (node's fs.watch; tests give one that fails as the system can) */
  constructor(readonly cfg: FileInputConfig, private d: FileCollectorDeps, private readonly watchFn?: WatchFunction) {
    super(cfg.id, d.log, WAKE_GAP_MS);
    this.spanCtx = { hostName: d.hostName ?? hostname(), dataset: cfg.dataset, timestampField: cfg.timestamp_field, stats: this.stats };
    // with workers, the events carry what the loaded rules read of each document (the sinks write its whole text)
    const selection = d.selection;
    if (selection) this.spanCtx.fields = () => { const s = selection(); return s.none ? NO_FIELDS : s.fields; };
    const included = picomatch(cfg.paths, { dot: false });
    const excluded = cfg.exclude.length ? picomatch(cfg.exclude, { dot: false }) : () => false;
    this.ownsPath = (path) => { const g = path.replace(/\\/g, '/'); return included(g) && !excluded(g); };
  }

  protected loops(): LoopTask[] {
    return [{ turn: () => this.turn(), fields: { input: this.cfg.id }, failed: 'file collector stopped on an unexpected error' }];
  }

  override start(): void {
    if (this.cfg.watch && !this.wakes) {
      this.wakes = new WakeOnWrite(this.cfg.id, this.cfg.paths, {
        ownsPath: this.ownsPath,
        wake: (scan) => { if (scan) this.lastScan = 0; this.loop.wake(); },
        log: this.d.log,
        metrics: this.d.metrics,
      }, this.watchFn);
    }
    const workers = ndjsonWorkers(this.cfg.workers);
    if (workers > 0 && !this.pool) {
      this.pool = new NdjsonPool(workers, this.d.log, this.cfg.id);
      this.spanCtx.pool = this.pool;
    }
    super.start();
  }

  /** Stops reading (a read in progress completes) and closes every file. */
  override async stop(): Promise<void> {
    this.wakes?.close();
    this.wakes = null;
    await super.stop();
    for (const r of this.readers.values()) await r.close();
    this.readers.clear();
    this.byInode.clear();
    this.spanCtx.pool = null;
    await this.pool?.close();
    this.pool = null;
    this.d.metrics.openFiles.set({ input: this.cfg.id }, 0);
  }

  status(): { id: string; files: FileStatus[]; waiting: number; last_error: string | null; lag_bytes: number; lost_bytes: number; lost: LostFile[]; watch: WakeStatus | false; workers: number } {
    const files: FileStatus[] = [];
    let lag = 0;
    for (const r of this.readers.values()) {
      const offset = this.d.registry.get(r.source)?.offset ?? 0;
      const size = r instanceof PlainReader ? r.size : r.position;
      lag += Math.max(0, size - offset);
      files.push({ path: r.path, identity: r.identity, offset, read: r.position, size, compressed: r.gzip });
    }
    return { id: this.cfg.id, files, waiting: this.waiting, last_error: this.loop.lastError, lag_bytes: lag, lost_bytes: this.lostBytes, lost: [...this.lost], watch: this.wakes?.status() ?? false, workers: this.pool?.size ?? 0 };
  }

  /** One turn of the loop: a scan when one is due, then a few chunks of every open file; returns the wait before the next. */
  private async turn(): Promise<number> {
    const now = Date.now();
    if (now - this.lastScan >= this.cfg.scan_interval_ms) {
      this.lastScan = now;
      await this.scan();
    }
    if (this.paused) return this.cfg.poll_interval_ms;
    let progress = false;
    for (const r of [...this.readers.values()]) {
      if (!this.loop.running) break;
      while (this.d.isFull() && this.loop.running) await this.loop.sleep(5);
      if (!this.loop.running) break;
      let res: PumpResult;
      try {
        // with workers, more chunks a turn: the jobs of one turn run side by side, and a turn ends with all of them done
        res = await r.pump(this.d.submit, this.pool ? CHUNKS_PER_TURN * (this.pool.size + 1) : CHUNKS_PER_TURN);
      } catch (err) {
        await this.onReadError(r, err as NodeJS.ErrnoException);
        continue;
      }
      if (res === 'progress') progress = true;
      else await this.afterIdle(r, res);
    }
    this.reportStats();
    if (progress) return 0;
    // every file read to its end: what is queued for the sinks need not wait for a fuller batch
    if (this.loop.running) this.d.caughtUp?.();
    return this.cfg.poll_interval_ms;
  }

  private reportStats(): void {
    const s = this.stats, r = this.reported, m = this.d.metrics.lineProblems, input = this.cfg.id;
    if (s.parseFailures !== r.parseFailures) { m.inc({ input, reason: 'json_parse_failure' }, s.parseFailures - r.parseFailures); r.parseFailures = s.parseFailures; }
    if (s.tooDeep !== r.tooDeep) { m.inc({ input, reason: 'json_too_deep' }, s.tooDeep - r.tooDeep); r.tooDeep = s.tooDeep; }
    if (s.truncated !== r.truncated) { m.inc({ input, reason: 'truncated' }, s.truncated - r.truncated); r.truncated = s.truncated; }
    if (s.invalidUtf8 !== r.invalidUtf8) { m.inc({ input, reason: 'invalid_utf8' }, s.invalidUtf8 - r.invalidUtf8); r.invalidUtf8 = s.invalidUtf8; }
    if (s.conflicts !== r.conflicts) { m.inc({ input, reason: 'ecs_conflict' }, s.conflicts - r.conflicts); r.conflicts = s.conflicts; }
    let lines = 0, bytes = 0;
    for (const rd of this.readers.values()) {
      lines += rd.builder.lines; rd.builder.lines = 0;
      bytes += rd.bytesRead; rd.bytesRead = 0;
      // the size goes into the checkpoint: a file that vanishes later is known to have had bytes left to read
      if (rd instanceof PlainReader && rd.size !== rd.sizeNoted) {
        rd.sizeNoted = rd.size;
        this.d.registry.touch(rd.source, { size: rd.size });
      }
    }
    if (lines) this.d.metrics.linesRead.inc({ input }, lines);
    if (bytes) this.d.metrics.bytesRead.inc({ input }, bytes);
  }

  /** A reader found nothing new, or found its file changed under it. */
  private async afterIdle(r: Reader, res: PumpResult): Promise<void> {
    const outstanding = this.d.tracker.outstanding(r.source);
    if (res === 'truncated' || res === 'replaced') {
      await this.onTruncated(r as PlainReader, res);
      return;
    }
    if (r instanceof GzipReader) {
      if (r.finished && outstanding === 0) await this.closeReader(r, 'gzip_read');
      return;
    }
    const idle = Date.now() - r.lastActivity;
    if (r.deleted && idle >= DELETED_GRACE_MS) {
      // removed and quiet: nothing will complete a last line without newline any more
      if (await r.flushPartial(this.d.submit)) return;
      if (outstanding === 0) await this.closeReader(r, 'deleted');
      return;
    }
    // files wait for a handle: give up the handles of files that are read to their end sooner
    const inactiveLimit = this.waiting > 0 ? Math.min(this.cfg.close_inactive_ms, 2 * this.cfg.poll_interval_ms) : this.cfg.close_inactive_ms;
    if (idle >= inactiveLimit && outstanding === 0) {
      await this.closeReader(r, 'inactive');
      if (this.waiting > 0) this.lastScan = 0; // open a waiting file now
    }
  }

  /** copytruncate: finish the content from the copy if there is one; the truncated file is a new identity. */
  private async onTruncated(r: PlainReader, how: 'truncated' | 'replaced'): Promise<void> {
    this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'truncated' });
    const pos = r.position;
    const { files } = await discover(this.cfg.paths, this.cfg.exclude, this.cfg.follow_symlinks === true);
    // the copy is usually at a rotated name (app.json.1) that the globs do not match
    const copies = [...files, ...await listRotatedSiblings(this.liveName(r.source) ?? r.path)];
    for (const f of copies) {
      if (f.gzip || (f.dev === r.dev && f.ino === r.ino) || f.size < pos) continue;
      const fp = await this.fingerprint(f).catch(() => null);
      if (fp !== r.identity) continue;
      const was = `${r.dev}:${r.ino}`;
      if (!(await r.switchTo(f).catch(() => false))) continue;
      this.byInode.delete(was);
      this.fpCache.delete(was);
      this.byInode.set(`${r.dev}:${r.ino}`, r);
      this.d.log.info({ input: this.cfg.id, from: r.path, position: pos, how }, 'file truncated; finishing its content from the copy');
      this.scanNow(); // the new content at the truncated name: read it now, not at the next scan
      return;
    }
    this.d.log.info({ input: this.cfg.id, path: r.path, position: pos, how }, 'file truncated; reading it again from the start as new content');
    this.fpCache.delete(`${r.dev}:${r.ino}`);
    await this.closeReader(r, null);
    this.scanNow(); // look for the new content at once
  }

  /** Scans at the next turn, which comes at once (not after the poll interval). */
  private scanNow(): void {
    this.lastScan = 0;
    this.loop.wake();
  }

  private async onReadError(r: Reader, err: NodeJS.ErrnoException): Promise<void> {
    if (r instanceof GzipReader && err.code === 'Z_BUF_ERROR') {
      // the compressor is still writing this file: read the rest once it is complete (it is found again by its new size)
      this.d.log.debug({ input: this.cfg.id, path: r.path, at: r.splitter.lineStart }, 'compressed file not complete yet; it will be read on when it is');
      await this.closeReader(r, null);
      return;
    }
    this.loop.lastError = `${r.path}: ${err.message}`;
    this.d.metrics.fileSkipped.inc({ input: this.cfg.id, reason: 'error' });
    this.d.log.warn({ input: this.cfg.id, path: r.path, err: err.message }, 'read failed; the file will be opened again at the next scan');
    await this.closeReader(r, null);
  }

  private async closeReader(r: Reader, event: string | null): Promise<void> {
    await r.close();
    this.closedAt.set(r.identity, r.splitter.lineStart);
    this.d.log.debug({ input: this.cfg.id, path: r.path, identity: r.identity, at: r.splitter.lineStart, event }, 'file closed');
    if (this.readers.get(r.identity) === r) this.readers.delete(r.identity);
    if (r instanceof PlainReader && this.byInode.get(`${r.dev}:${r.ino}`) === r) this.byInode.delete(`${r.dev}:${r.ino}`);
    this.d.metrics.openFiles.set({ input: this.cfg.id }, this.readers.size);
    this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'closed' });
    if (event && event !== 'inactive') this.d.metrics.fileEvents.inc({ input: this.cfg.id, event });
    if (event === 'deleted' || event === 'gzip_read') this.d.tracker.forget(r.source);
  }

  /**
   * The identity of a discovered file, read through a handle checked to be that file (undefined: the
   * name has moved on to another file since the listing; it is looked at again at the next scan).
   */
  private async fingerprint(f: FoundFile): Promise<string | null | undefined> {
    const key = `${f.dev}:${f.ino}`;
    const c = this.fpCache.get(key);
    if (c && c.size === f.size && c.mtimeMs === f.mtimeMs) return c.fp;
    const o = await openFound(f, this.cfg.fingerprint_bytes);
    if (!o) { this.lastScan = 0; return undefined; }
    await o.fh.close();
    this.fpCache.set(key, { size: o.stat.size, mtimeMs: o.stat.mtimeMs, fp: o.fingerprint });
    return o.fingerprint;
  }

  private warnOnce(path: string, reason: string, msg: string, detail?: string): void {
    const key = `${reason}:${path}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.d.metrics.fileSkipped.inc({ input: this.cfg.id, reason });
    this.loop.lastError = `${path}: ${detail ?? reason}`;
    this.d.log.warn({ input: this.cfg.id, path, reason, err: detail }, msg);
  }

  /** Re-discovers the globs and opens readers for content not read yet. */
  async scan(): Promise<void> {
    const created = this.d.registry.created;
    const { files, skipped } = await discover(this.cfg.paths, this.cfg.exclude, this.cfg.follow_symlinks === true);
    for (const s of skipped) {
      if (s.reason === 'directory') this.warnOnce(s.path, 'directory', 'a directory matches the input glob; skipped');
      else if (s.reason === 'symlink') this.warnOnce(s.path, 'symlink', 'a symbolic link matches the input glob; not followed (follow_symlinks: true reads what it points to)');
      else if (s.reason === 'not_regular') this.warnOnce(s.path, 'not_regular', 'not a regular file; skipped');
      else this.warnOnce(s.path, 'error', 'cannot look at a path matched by the input glob', s.detail);
    }
    const live = new Set<string>();
    const byIdentity = new Map<string, FoundFile[]>();
    let noIdentity = 0;
    for (const f of files) {
      const inode = `${f.dev}:${f.ino}`;
      live.add(inode);
      const open = f.gzip ? undefined : this.byInode.get(inode);
      if (open) {
        if (open.path !== f.path) {
          this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'rotated' });
          this.d.log.debug({ input: this.cfg.id, from: open.path, to: f.path }, 'file renamed');
          open.path = f.path;
        }
        this.d.registry.touch(open.source, { path: f.path, size: f.size });
        continue;
      }
      let fp: string | null | undefined;
      try {
        fp = await this.fingerprint(f);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EACCES' || e.code === 'EPERM') this.warnOnce(f.path, 'permission', 'no permission to read a file matched by the input glob; it will be tried again', e.message);
        else if (e.code !== 'ENOENT') this.warnOnce(f.path, 'error', 'cannot read a file matched by the input glob', e.message);
        continue;
      }
      this.warned.delete(`permission:${f.path}`);
      if (fp === undefined) continue;
      if (!fp) { noIdentity++; continue; }
      const list = byIdentity.get(fp);
      if (list) list.push(f); else byIdentity.set(fp, [f]);
    }
    for (const k of this.fpCache.keys()) if (!live.has(k)) this.fpCache.delete(k);

    let waiting = noIdentity;
    for (const [fp, list] of byIdentity) {
      const source = fileSourceKey(fp);
      const entry = this.d.registry.get(source);
      const plainSize = Math.max(-1, ...list.filter((f) => !f.gzip).map((f) => f.size));
      // the size goes into the checkpoint: should the file vanish unread, the bytes lost are known
      if (entry) this.d.registry.touch(source, plainSize >= 0 ? { size: plainSize } : undefined);
      else this.closedAt.delete(fp);
      if (this.readers.has(fp)) continue; // one reader per identity: other copies of the same content are not read twice
      const plain = list.filter((f) => !f.gzip);
      if (plain.length > 0) {
        const hint = entry?.meta as { dev?: number; ino?: number } | undefined;
        plain.sort((a, b) => (b.size - a.size) || ((b.ino === hint?.ino ? 1 : 0) - (a.ino === hint?.ino ? 1 : 0)));
        const f = plain[0];
        let start = Math.max(entry?.offset ?? 0, this.closedAt.get(fp) ?? 0);
        if (start > f.size) start = this.rewound(source, fp, f, start);
        if (!entry && this.cfg.ignore_older_ms !== undefined && Date.now() - f.mtimeMs > this.cfg.ignore_older_ms) {
          this.d.registry.advance(source, f.size, { path: f.path, dev: f.dev, ino: f.ino, ignored_older: true });
          continue;
        }
        if (f.size <= start) continue;
        if (this.readers.size >= this.cfg.max_open_files) { waiting++; continue; }
        await this.openPlain(f, fp, source, start, this.liveName(source) ?? f.path);
        continue;
      }
      const f = list[0];
      const start = Math.max(entry?.offset ?? 0, this.closedAt.get(fp) ?? 0);
      if (this.readers.size >= this.cfg.max_open_files) { waiting++; continue; }
      await this.openGzip(f, fp, source, start, this.liveName(source) ?? f.path);
    }
    waiting += await this.followRotations(byIdentity);
    if (this.d.registry.created > created) await this.commitNewFiles();
    this.waiting = waiting;
    this.d.metrics.filesWaiting.set({ input: this.cfg.id }, waiting);
    this.d.metrics.openFiles.set({ input: this.cfg.id }, this.readers.size);
    this.d.registry.expire(FORGET_AFTER_MS, { prefix: fileSourceKey(''), since: this.startedAt });
    this.wakes?.sync(files.map((f) => f.path), [...this.readers.values()].map((r) => r.path));
  }

  /**
   * Opens a reader; null when it cannot be opened now (reported once) or when the name holds another
   * file, or other content, than the one discovered (looked at again at the next scan, which comes soon).
   */
  private async tryOpen<T>(f: FoundFile, open: () => Promise<T | null>): Promise<T | null> {
    try {
      const r = await open();
      if (!r) this.lastScan = 0;
      return r;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EACCES' || e.code === 'EPERM') this.warnOnce(f.path, 'permission', 'no permission to read a file matched by the input glob; it will be tried again', e.message);
      else if (e.code !== 'ENOENT') this.warnOnce(f.path, 'error', 'cannot open a file matched by the input glob', e.message);
      return null;
    }
  }

  private async openPlain(f: FoundFile, fp: string, source: string, start: number, live: string): Promise<boolean> {
    const r = await this.tryOpen(f, () => PlainReader.open(f, fp, source, start, this.cfg.max_line_bytes, this.cfg.fingerprint_bytes, this.spanCtx));
    if (!r) return false;
    this.readers.set(fp, r);
    this.byInode.set(`${r.dev}:${r.ino}`, r);
    this.d.registry.touch(source, { path: f.path, dev: r.dev, ino: r.ino, live, input: this.cfg.id });
    this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'opened' });
    this.d.log.debug({ input: this.cfg.id, path: f.path, identity: fp, from: start }, 'file opened');
    return true;
  }

  /** Opens a compressed file to read from `start` (decompressed bytes); false when there is nothing to read in it (any more). */
  private async openGzip(f: FoundFile, fp: string, source: string, start: number, live: string): Promise<boolean> {
    const gzKey = `${f.dev}:${f.ino}:${f.size}:${f.mtimeMs}`;
    if (this.gzSeen.has(gzKey)) return false;
    const r = await this.tryOpen(f, () => GzipReader.open(f, fp, source, start, this.cfg.max_line_bytes, this.cfg.fingerprint_bytes, this.spanCtx));
    if (!r) return false;
    const isize = r.trailerSize;
    this.gzSeen.add(gzKey);
    if (start > 0 && isize !== null && start % 2 ** 32 === isize) { await r.close(); return false; }
    this.readers.set(fp, r);
    this.d.registry.touch(source, { path: f.path, compressed: true, live, input: this.cfg.id });
    this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'opened' });
    this.d.log.info({ input: this.cfg.id, path: f.path, identity: fp, from: start, isize }, 'reading a compressed rotated file');
    return true;
  }

  /**
   * Files opened for the first time are in the committed registry before a line of them is read: should
   * the daemon die before its next periodic commit and the file be rotated away while it is down, the
   * rotation search knows what to look for (else the rest of the file would be lost, silently). A failed
   * commit (a full disk) does not stop the reading: the periodic committer reports it and retries.
   */
  private async commitNewFiles(): Promise<void> {
    try {
      await this.d.registry.commit();
    } catch (err) {
      this.d.log.debug({ input: this.cfg.id, err: (err as Error).message }, 'could not commit the checkpoints of new files before reading them');
    }
  }

  /** The name a known file was first read under (the one its rotated siblings are named after). */
  private liveName(source: string): string | undefined {
    const m = this.d.registry.get(source)?.meta as FileMeta | undefined;
    if (typeof m?.live === 'string') return m.live;
    return typeof m?.path === 'string' ? m.path : undefined;
  }

  /**
   * A checkpoint past the end of the file that holds its content: the file was truncated and written
   * again up to a shorter size (or the registry was edited). Read it from the start, as Filebeat does,
   * and say so: skipping to the old position would drop what is there now, and wait for ever.
   */
  private rewound(source: string, fp: string, f: FoundFile, start: number): number {
    this.d.log.warn({ input: this.cfg.id, path: f.path, checkpoint: start, size: f.size },
      'the checkpoint is past the end of the file (truncated meanwhile?): reading it from the start');
    this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'truncated' });
    this.d.registry.rewind(source, 0);
    this.closedAt.delete(fp);
    return 0;
  }

  /**
   * Known files of this input that the globs do not find any more, searched for among the rotated
   * siblings of the names they were read under; returns the number of files left waiting for a handle.
   */
  private async followRotations(byIdentity: Map<string, FoundFile[]>): Promise<number> {
    const knowns: KnownFile[] = [];
    for (const [source, e] of this.d.registry.entries()) {
      if (!source.startsWith(FILE_PREFIX)) continue;
      const fp = source.slice(FILE_PREFIX.length);
      if (this.readers.has(fp) || byIdentity.has(fp) || this.settled.has(fp)) continue;
      const m = e.meta as FileMeta;
      if (m.ignored_older) continue;
      const live = this.liveName(source);
      if (!live || (m.input !== undefined ? m.input !== this.cfg.id : !this.ownsPath(live))) continue;
      knowns.push({ identity: fp, source, offset: e.offset, live, size: typeof m.size === 'number' ? m.size : undefined });
    }
    for (const fp of this.settled) if (!this.d.registry.get(fileSourceKey(fp))) this.settled.delete(fp); // expired entries
    if (knowns.length === 0) return 0;
    const isKnown = (fp: string) => this.readers.has(fp) || byIdentity.has(fp) || this.d.registry.get(fileSourceKey(fp)) !== undefined;
    const steps = await planRotationFollow(knowns, (f) => this.fingerprint(f), isKnown);
    let waiting = 0;
    for (const step of steps) {
      if (step.kind === 'gone') { this.settled.add(step.known.identity); continue; }
      if (step.kind === 'lost') { this.reportLost(step.known, step.unread); continue; }
      const fp = step.kind === 'read' ? step.known.identity : step.identity;
      if (this.readers.has(fp)) continue;
      if (this.readers.size >= this.cfg.max_open_files) { waiting++; continue; }
      const f = step.file;
      const source = fileSourceKey(fp);
      const live = step.kind === 'read' ? step.known.live : step.live;
      const start = step.kind === 'read' ? Math.max(step.known.offset, this.closedAt.get(fp) ?? 0) : 0;
      let opened: boolean;
      if (f.gzip) opened = await this.openGzip(f, fp, source, start, live);
      else opened = f.size > start && await this.openPlain(f, fp, source, start, live);
      if (!opened) {
        if (step.kind === 'read' && (f.gzip || f.size <= start)) this.settled.add(fp); // found, nothing left in it
        continue;
      }
      if (step.kind === 'read') {
        this.d.log.info({ input: this.cfg.id, path: f.path, was: step.known.live, from: start }, 'a known file was rotated away before it was read to its end; reading the rest at its new name');
      } else {
        this.d.log.info({ input: this.cfg.id, path: f.path, live }, 'a file was written at a followed name and rotated away while it was not watched; reading it');
      }
      this.d.metrics.fileEvents.inc({ input: this.cfg.id, event: 'rotated' });
    }
    return waiting;
  }

  /** A known file with bytes not read is nowhere to be found: that data is lost, and it is said, once. */
  private reportLost(k: KnownFile, unread: number): void {
    this.settled.add(k.identity);
    const path = this.d.registry.get(k.source)?.meta.path;
    const shown = typeof path === 'string' ? path : k.live;
    this.lostBytes += unread;
    this.lost.push({ path: shown, identity: k.identity, unread_bytes: unread, at: new Date().toISOString() });
    if (this.lost.length > LOST_LISTED) this.lost.shift();
    this.d.metrics.fileLostBytes.inc({ input: this.cfg.id }, unread);
    this.loop.lastError = `${shown}: ${unread} bytes not read were lost (the file is gone)`;
    this.d.log.warn({ input: this.cfg.id, path: shown, identity: k.identity, unread_bytes: unread, checkpoint: k.offset },
      'a known file was removed before it was read to its end, and no rotated copy of it was found: its unread bytes are lost');
  }
}
