import { recordFilter } from '../windows-event/record-filter';
import type { XmlElement } from '../windows-event/xml-tree';
import { hostname } from 'node:os';
import { EVTX_WORKERS, type EvtxInputConfig } from './config';
import { decodeWorkers } from './decode/decode-pool';
import type { CollectorDeps } from '../../src/core/contracts/collector-deps';
import { discover, type FoundFile } from '../file/discovery';
import { evtxSourceKey, identifyFound } from './evtx-identity';
import { evtxMetrics, type EvtxMetrics } from './evtx-metrics';
import { FileProblems } from './file-problems';
import { readPass, resumeChunk, wholeChunks, chunksExtent } from './file-pass';
import { CHUNK_SIZE } from './format/chunk-header';
import { FILE_HEADER_SIZE } from './format/file-header';
import type { EvtxIssueKind } from './format/types';
import { PolledCollector } from '../polled-collector';
import type { LoopTask } from '../polling-loop';

export type EvtxCollectorDeps = CollectorDeps;

export interface EvtxFileStatus {
  path: string;
  identity: string;
  size: number;
  /** the checkpoint: every record before it is acknowledged */
  checkpoint: number;
  /** the position after the last record read */
  next: number;
  records_read: number;
  /** of records_read, those from chunks whose checksums failed (their events carry the tag vigil_evtx_checksum_mismatch) */
  records_checksum_mismatch: number;
  /** records lost to damage (see vigil_evtx_skipped_records_total) */
  records_skipped: number;
  /** read to its end and every record acknowledged: not read again unless it grows */
  done: boolean;
  /** other paths holding the same content (not read again) */
  copies: number;
  /** the header says the writer did not close the file (usual for a copy of a live log; not damage) */
  dirty: boolean;
  problems: Partial<Record<EvtxIssueKind, number>>;
  last_error: string | null;
}

/** What the checkpoint registry keeps of a file besides its position. */
interface FileMeta {
  path?: string;
  /** the position after the last record of the last finished read: the checkpoint reaches it once all is acknowledged */
  end?: number;
  /** the bytes that read covered, and the file it read (to notice growth, or a change in place) */
  read_to?: number;
  dev?: number;
  ino?: number;
  mtime?: number;
}

/** One content (identity) of the input: the copy read, and how far it was read. */
interface TrackedFile {
  identity: string;
  source: string;
  found: FoundFile;
  copies: number;
  /** the bytes that may be read now: the whole file once it has settled, else its complete chunks */
  extent: number;
  next: number;
  /** what the last finished read covered (read_to 0: not read through, or not all of it acknowledged) */
  read: { to: number; dev: number; ino: number; mtimeMs: number };
  records: number;
  /** of `records`, those tagged for a checksum mismatch */
  unverified: number;
  problems: FileProblems;
  damageLogged: boolean;
  lastError: string | null;
  retryAt: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * The `.evtx` input: exported or copied Windows event logs, found by globs that are expanded again
 * every `scan_interval`, each content read once, fully, one file at a time, with the checkpoint of a
 * content (not of a path: a renamed or copied file is not read again) moved only by the sinks'
 * acknowledgements. A file still growing (a copy in progress) is read to its last complete chunk and
 * read on at the next scans; its last partial chunk is read once the file has settled (same size and
 * time at two scans, or not modified for a scan interval), so a truncated file is read as far as it goes.
 */
export class EvtxCollector extends PolledCollector {
  readonly type = 'evtx';
  private files = new Map<string, TrackedFile>();      // identity → file
  private looks = new Map<string, { size: number; mtimeMs: number }>(); // dev:ino → last scan's view
  private ids = new Map<string, { size: number; mtimeMs: number; identity: string; complete: boolean }>();
  private warned = new Set<string>();
  private m: EvtxMetrics;
  /** the input's event_ids, levels and providers (undefined: every record is kept) */
  private readonly accept: ((e: XmlElement) => boolean) | undefined;
  private hostName: string;
  /** decode workers of a long read (cfg.workers resolved) */
  private readonly workers: number;
  private lastScan = 0;
  private waiting = 0;

  constructor(readonly cfg: EvtxInputConfig, private d: EvtxCollectorDeps) {
    super(cfg.id, d.log);
    this.m = evtxMetrics(d.metrics);
    this.hostName = d.hostName ?? hostname();
    this.accept = recordFilter(cfg);
    this.workers = decodeWorkers(cfg.workers ?? EVTX_WORKERS);
  }

  /** One loop; a read in progress stops at its next record when paused or stopped (the span read is submitted, the file closed). */
  protected loops(): LoopTask[] {
    return [{
      turn: () => this.turn(),
      fields: { input: this.cfg.id },
      // never stops the input: reported, and tried again at the next scan
      failed: 'evtx input: unexpected error; going on at the next scan',
      retryAfter: () => this.untilNextScan(),
    }];
  }

  status(): { id: string; files: EvtxFileStatus[]; waiting: number; damaged: number; pending_files: number; last_error: string | null } {
    const files = [...this.files.values()].sort((a, b) => (a.found.path < b.found.path ? -1 : 1)).map((t): EvtxFileStatus => {
      const checkpoint = this.d.registry.get(t.source)?.offset ?? 0;
      return {
        path: t.found.path, identity: t.identity, size: t.found.size, checkpoint, next: t.next, records_read: t.records,
        records_checksum_mismatch: t.unverified, records_skipped: t.problems.skippedRecords,
        done: !this.due(t, Number.MAX_SAFE_INTEGER) && t.extent >= t.found.size && checkpoint >= t.next,
        copies: t.copies - 1, dirty: t.problems.dirty, problems: { ...t.problems.counts }, last_error: t.lastError,
      };
    });
    return {
      id: this.cfg.id, files, waiting: this.waiting,
      damaged: files.filter((f) => Object.keys(f.problems).length > 0).length,
      pending_files: files.filter((f) => !f.done).length,
      last_error: this.loop.lastError,
    };
  }

  /** One turn of the loop: a scan when one is due, then one read of the first file with something to read; returns the wait before the next. */
  private async turn(): Promise<number> {
    if (this.paused) return 100;
    if (Date.now() - this.lastScan >= this.cfg.scan_interval_ms) {
      this.lastScan = Date.now();
      await this.scan();
    }
    const now = Date.now();
    const next = [...this.files.values()].filter((t) => this.due(t, now)).sort((a, b) => (a.found.path < b.found.path ? -1 : 1))[0];
    if (next) { await this.read(next); return 0; }
    this.d.caughtUp?.(); // every file read to its end
    return this.untilNextScan();
  }

  private untilNextScan(): number {
    return Math.max(5, this.lastScan + this.cfg.scan_interval_ms - Date.now());
  }

  /** Whether a file has something to read: it grew, or changed in place, since the last finished read. */
  private due(t: TrackedFile, now: number): boolean {
    if (now < t.retryAt) return false;
    if (t.extent > t.read.to) return true;
    const same = t.found.dev === t.read.dev && t.found.ino === t.read.ino;
    return same && t.found.mtimeMs !== t.read.mtimeMs;
  }

  private warnOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.d.log.warn({ input: this.cfg.id, ...fields }, msg);
  }

  /** Expands the globs and brings every content found up to date (which copy, how much may be read). */
  async scan(): Promise<void> {
    const { files, skipped } = await discover(this.cfg.paths, [], this.cfg.follow_symlinks === true);
    for (const s of skipped) {
      const msg = s.reason === 'symlink'
        ? 'a symbolic link matched by the evtx input is not followed (follow_symlinks: true reads it); skipped'
        : 'a path matched by the evtx input is not a regular file; skipped';
      this.warnOnce(`skip:${s.path}`, { path: s.path, reason: s.reason, err: s.detail }, msg);
    }
    const now = Date.now();
    const looks = new Map<string, { size: number; mtimeMs: number }>();
    const groups = new Map<string, Array<{ f: FoundFile; extent: number }>>();
    let waiting = 0;
    for (const f of files) {
      const key = `${f.dev}:${f.ino}`;
      const before = this.looks.get(key);
      looks.set(key, { size: f.size, mtimeMs: f.mtimeMs });
      // a copy in progress changes between scans; a file left alone for a scan interval is what it is
      const settled = (before?.size === f.size && before.mtimeMs === f.mtimeMs) || now - f.mtimeMs >= this.cfg.scan_interval_ms;
      const id = await this.identify(f);
      if (!id) continue;
      if (!id.complete && !settled) { waiting++; continue; } // its first chunk is still being written
      const extent = settled ? f.size : chunksExtent(wholeChunks(f.size));
      const list = groups.get(id.identity);
      if (list) list.push({ f, extent }); else groups.set(id.identity, [{ f, extent }]);
    }
    this.looks = looks;
    for (const k of this.ids.keys()) if (!looks.has(k)) this.ids.delete(k);

    for (const [identity, list] of groups) {
      const t = this.files.get(identity) ?? this.track(identity, list[0].f);
      // the copy with the most content; among equals the one read before (discovery lists paths in order)
      list.sort((a, b) => (b.extent - a.extent) || (Number(this.sameFile(b.f, t)) - Number(this.sameFile(a.f, t))));
      const best = list[0];
      if (best.f.path !== t.found.path) this.d.log.debug({ input: this.cfg.id, identity, from: t.found.path, to: best.f.path }, 'evtx content found under another path');
      t.found = best.f;
      t.extent = best.extent;
      t.copies = list.length;
      this.d.registry.touch(t.source, { path: best.f.path }); // also keeps the entry from expiring
    }
    // contents no longer found are forgotten in memory (their checkpoints stay in the registry)
    for (const [identity, t] of this.files) {
      if (!groups.has(identity) && this.d.tracker.outstanding(t.source) === 0) this.files.delete(identity);
    }
    this.waiting = waiting;
  }

  private sameFile(f: FoundFile, t: TrackedFile): boolean {
    return f.dev === t.found.dev && f.ino === t.found.ino;
  }

  /** The identity of a found file (cached while its size and time stay); null when it cannot be had now. */
  private async identify(f: FoundFile): Promise<{ identity: string; complete: boolean } | null> {
    const key = `${f.dev}:${f.ino}`;
    const c = this.ids.get(key);
    if (c && c.size === f.size && c.mtimeMs === f.mtimeMs) return c;
    try {
      const id = await identifyFound(f);
      if (!id) { this.lastScan = 0; return null; } // the name holds another file now: look again soon
      this.ids.set(key, { size: f.size, mtimeMs: f.mtimeMs, ...id });
      this.warned.delete(`open:${f.path}`);
      return id;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'ENOENT') {
        this.loop.lastError = `${f.path}: ${e.message}`;
        this.warnOnce(`open:${f.path}`, { path: f.path, err: e.message }, 'cannot read a file matched by the evtx input; it is tried again at every scan');
      }
      return null;
    }
  }

  /** Starts following a content, from its checkpoint. */
  private track(identity: string, f: FoundFile): TrackedFile {
    const source = evtxSourceKey(identity);
    const entry = this.d.registry.get(source);
    const meta = (entry?.meta ?? {}) as FileMeta;
    const offset = entry?.offset ?? 0;
    // read through before, but not all of it acknowledged (a crash): read again from the checkpoint
    const acknowledged = offset >= num(meta.end);
    const t: TrackedFile = {
      identity, source, found: f, copies: 1, extent: 0, next: offset,
      read: acknowledged ? { to: num(meta.read_to), dev: num(meta.dev), ino: num(meta.ino), mtimeMs: num(meta.mtime) } : { to: 0, dev: 0, ino: 0, mtimeMs: 0 },
      records: 0, unverified: 0, problems: new FileProblems(), damageLogged: false, lastError: null, retryAt: 0,
    };
    this.files.set(identity, t);
    return t;
  }

  /** One read of a file, from where the last one stopped to what may be read of it now. */
  private async read(t: TrackedFile): Promise<void> {
    const f = t.found;
    const extent = t.extent;
    const first = t.read.to === 0 && t.next === 0;
    this.d.log[first ? 'info' : 'debug']({ input: this.cfg.id, path: f.path, identity: t.identity, from: t.next, size: f.size }, first ? 'reading .evtx file' : 'reading .evtx file on');
    const chunks = Math.max(0, Math.ceil((extent - FILE_HEADER_SIZE) / CHUNK_SIZE) - resumeChunk(t.next));
    const res = await readPass(f.path, t.next, chunks, {
      source: t.source,
      hostName: this.hostName,
      submit: this.d.submit,
      isFull: this.d.isFull,
      proceed: () => this.loop.running && !this.paused,
      wait: (ms) => this.loop.sleep(ms),
      onIssue: (issue) => {
        if (!t.problems.add(issue)) return;
        this.m.problems.inc({ input: this.cfg.id, kind: issue.kind });
        if (issue.records) this.m.skippedRecords.inc({ input: this.cfg.id }, issue.records);
      },
      filter: this.accept ? { event_ids: this.cfg.event_ids, levels: this.cfg.levels, providers: this.cfg.providers } : undefined,
      workers: this.workers,
      file: { dev: f.dev, ino: f.ino },
    });
    t.next = res.next;
    t.records += res.records;
    if (res.records) this.m.events.inc({ input: this.cfg.id }, res.records);
    if (res.skipped) this.m.filtered.inc({ input: this.cfg.id }, res.skipped);
    t.unverified += res.unverified;
    if (res.unverified) this.m.checksumMismatch.inc({ input: this.cfg.id }, res.unverified);
    if (res.ioError) {
      t.lastError = res.ioError;
      this.loop.lastError = `${f.path}: ${res.ioError}`;
      t.retryAt = Date.now() + this.cfg.scan_interval_ms;
      this.m.files.inc({ input: this.cfg.id, event: 'error' });
      this.warnOnce(`io:${t.identity}:${res.ioError}`, { path: f.path, err: res.ioError }, 'cannot read .evtx file; it is tried again at the next scan');
      return;
    }
    if (!res.finished) return; // stopped or paused: goes on from t.next
    t.lastError = null;
    t.read = { to: extent, dev: f.dev, ino: f.ino, mtimeMs: f.mtimeMs };
    const meta: FileMeta = { path: f.path, end: t.next, read_to: extent, dev: f.dev, ino: f.ino, mtime: f.mtimeMs };
    this.d.registry.touch(t.source, meta as Record<string, unknown>);
    this.m.files.inc({ input: this.cfg.id, event: 'read' });
    const p = t.problems;
    if (p.total > 0 && !t.damageLogged) {
      t.damageLogged = true;
      this.m.files.inc({ input: this.cfg.id, event: 'damaged' });
      this.d.log.warn({ input: this.cfg.id, path: f.path, identity: t.identity, records: t.records, records_skipped: p.skippedRecords, records_checksum_mismatch: t.unverified, problems: p.total, by_kind: p.counts, first_problem: p.first },
        'damaged .evtx file: read as far as it goes, the damaged parts skipped, records of chunks failing their checksums tagged');
    }
    this.d.log[first ? 'info' : 'debug']({ input: this.cfg.id, path: f.path, records: res.records, read_to: extent, size: f.size }, '.evtx file read');
  }
}
