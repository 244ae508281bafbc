import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync, removeStaleTemps } from '../fs/atomic-write';
import { registrySchema, type RegistrySections } from './registry-schema';
import { compileStateSchema, readStateFile } from './state-file';

/** What to do about a registry.json that does not load (the end of its error message). */
export const REGISTRY_HINT = 'fix or remove the bad part (a source removed from it is read again from its start), ' +
  'or move the file away to start over (every file would then be read again from its start)';

/** One source's durable position: everything before `offset` has been acknowledged by the sinks. */
export interface CheckpointEntry {
  offset: number;
  /** free-form facts about the source (path, device/inode, whether a compressed copy was read whole, ...) */
  meta: Record<string, unknown>;
  /** last time (epoch ms) the source was seen; entries of sources gone for long are dropped */
  seen: number;
}

interface RegistryFile {
  version: 1;
  written?: string;
  sources: Record<string, CheckpointEntry>;
  /** positions that sinks keep with the checkpoint (the event store's write mark, ...) */
  sinks: Record<string, unknown>;
  /** other components' state committed with the positions (rules windows, alert state) */
  state: Record<string, unknown>;
}

/**
 * The durable registry of acknowledged positions, one file in the state directory, replaced
 * atomically. Sources call `advance` as acknowledgements come in; `commit` writes a consistent
 * snapshot (positions and sink marks of the same moment).
 */
export class CheckpointRegistry {
  readonly path: string;
  private sources = new Map<string, CheckpointEntry>();
  private sinks: Record<string, unknown> = {};
  private state: Record<string, unknown> = {};
  private markProviders = new Map<string, () => unknown>();
  private stateProviders = new Map<string, () => unknown>();
  private committing: Promise<void> | null = null;
  commits = 0;
  /** how many sources were added since load (a collector that opened new files commits before reading them) */
  created = 0;

  /** `sections`: the schemas of the parts other components keep in the file, checked at load */
  constructor(stateDir: string, private sections: RegistrySections = {}) {
    mkdirSync(stateDir, { recursive: true });
    this.path = join(stateDir, 'registry.json');
  }

  /**
   * Reads the registry; a missing file is an empty registry. A corrupt one (not JSON, or not matching
   * registry-schema.ts) is a StateFileError naming the file and each fault: never silently reset.
   * Temp files of commits cut short by a crash (`.registry.json.*.tmp`) are removed.
   */
  load(): void {
    removeStaleTemps(this.path);
    const parsed = readStateFile(this.path, () => compileStateSchema(registrySchema(this.sections)), REGISTRY_HINT) as RegistryFile | undefined;
    if (!parsed) return;
    for (const [k, v] of Object.entries(parsed.sources ?? {})) this.sources.set(k, v);
    this.sinks = parsed.sinks ?? {};
    this.state = parsed.state ?? {};
  }

  get(source: string): CheckpointEntry | undefined {
    return this.sources.get(source);
  }

  entries(): IterableIterator<[string, CheckpointEntry]> {
    return this.sources.entries();
  }

  /** Records that everything of `source` before `offset` is acknowledged. Offsets never go back. */
  advance(source: string, offset: number, meta?: Record<string, unknown>): void {
    const e = this.sources.get(source);
    if (e) {
      if (offset > e.offset) e.offset = offset;
      if (meta) Object.assign(e.meta, meta);
      e.seen = Date.now();
    } else {
      this.sources.set(source, { offset, meta: { ...(meta ?? {}) }, seen: Date.now() });
      this.created++;
    }
  }

  /** Updates facts about a source without moving its offset; `seen` moves in steps of a minute. */
  touch(source: string, meta?: Record<string, unknown>): void {
    const e = this.sources.get(source);
    if (!e) { this.advance(source, 0, meta); return; }
    if (meta) Object.assign(e.meta, meta);
    const now = Date.now();
    if (now - e.seen > 60_000) e.seen = now;
  }

  /** Moves a source's position back (its content was truncated and is read again): the one way an offset goes back. */
  rewind(source: string, offset: number): void {
    const e = this.sources.get(source);
    if (e && offset < e.offset) { e.offset = offset; e.seen = Date.now(); }
  }

  remove(source: string): void {
    this.sources.delete(source);
  }

  /**
   * Drops the sources whose key starts with `prefix` (one kind of collector's) not seen for `maxAgeMs`
   * of this process's life; returns how many. Time before `since` (when the caller started looking)
   * does not count: after a long outage every source gets the whole age again to be seen, so a
   * collector that scans sooner than another never drops the other's positions.
   */
  expire(maxAgeMs: number, opts: { prefix: string; since: number; now?: number }): number {
    const now = opts.now ?? Date.now();
    let n = 0;
    for (const [k, e] of this.sources) {
      if (!k.startsWith(opts.prefix)) continue;
      if (now - Math.max(e.seen, opts.since) > maxAgeMs) { this.sources.delete(k); n++; }
    }
    return n;
  }

  /** The mark a sink stored with the last commit that was loaded at start. */
  sinkMark(name: string): unknown {
    return this.sinks[name];
  }

  /** A sink gives a function that returns its mark at the moment of each commit. */
  provideSinkMark(name: string, fn: () => unknown): void {
    this.markProviders.set(name, fn);
  }

  savedState(name: string): unknown {
    return this.state[name];
  }

  provideState(name: string, fn: () => unknown): void {
    this.stateProviders.set(name, fn);
  }

  /** Serialises the registry; `written` is left out so that an unchanged registry serialises the same. */
  private snapshot(): string {
    const sources: Record<string, CheckpointEntry> = {};
    for (const [k, v] of this.sources) sources[k] = { offset: v.offset, meta: { ...v.meta }, seen: v.seen };
    for (const [k, fn] of this.markProviders) this.sinks[k] = fn();
    for (const [k, fn] of this.stateProviders) this.state[k] = fn();
    return JSON.stringify({ version: 1, sources, sinks: this.sinks, state: this.state });
  }

  private stamped(body: string): string {
    return `{"written":${JSON.stringify(new Date().toISOString())},${body.slice(1)}`;
  }

  /**
   * A component that acknowledges data before it is on disk (the event store acknowledges once its
   * bytes are written, and fsyncs once a commit) makes it durable in `fn`. Barriers run after a
   * commit's snapshot is taken and before the file is written: every position in the file was
   * acknowledged on data written before the snapshot, which the barrier has made durable. A barrier
   * that throws fails the commit (the file is not written).
   */
  addBarrier(fn: () => Promise<void>): void {
    this.barriers.push(fn);
  }
  private barriers: Array<() => Promise<void>> = [];

  /** Writes the registry if anything changed since the last write, after the barriers. Concurrent calls share one write. */
  async commit(): Promise<void> {
    while (this.committing) await this.committing;
    const body = this.snapshot();
    if (body === this.lastBody) return;
    this.committing = (async () => {
      for (const b of this.barriers) await b();
      await writeFileAtomic(this.path, this.stamped(body));
      this.lastBody = body;
      this.commits++;
    })();
    try { await this.committing; } finally { this.committing = null; }
  }
  private lastBody = '';

  /** `commit` without waiting, for tests and components with no barrier (one is refused: it cannot run here). */
  commitSync(): void {
    if (this.barriers.length > 0) throw new Error('checkpoint registry: commitSync with barriers (a sink that fsyncs at commit): use commit()');
    const body = this.snapshot();
    if (body === this.lastBody) return;
    writeFileAtomicSync(this.path, this.stamped(body));
    this.lastBody = body;
    this.commits++;
  }
}
