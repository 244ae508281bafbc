import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { registeredCounter, type Metrics } from '../../src/core/metrics';
import type { Logger } from '../../src/core/log';
import { FolderWatch, type FolderWatchStatus, type WatchFailure, type WatchFunction } from './folder-watch';

/** What the file input is told by a notification. */
export interface WakeHooks {
  /** true for a path the input's globs take (and its excludes do not) */
  ownsPath: (path: string) => boolean;
  /** read the open files now; with `scan`, expand the globs again first (a file appeared, moved or was replaced) */
  wake: (scan: boolean) => void;
  log: Logger;
  metrics: Metrics;
}

/** What /status shows of an input's notifications (`watch: false`: not there). */
export interface WakeStatus extends FolderWatchStatus { failures: number }

/**
 * Wake on write for one file input: the folders of its globs and of the files it reads are watched
 * (folder-watch.ts), and a notification wakes the input's loop instead of waiting for the next poll.
 * A write to a file ('change') only wakes the reading, which reads every open file to its end; a name
 * that appears, goes or is renamed ('rename') and that the globs take, or that is a rotated sibling of a
 * file being read, or a new folder under a `**` glob, also makes the next turn scan. The poll stays as it
 * was: it reads what notifications miss (network filesystems, coalesced events, folders whose watch
 * failed).
 */
export class WakeOnWrite {
  private readonly watch: FolderWatch;
  /** each glob's folder without wildcards, and whether the glob may match in its sub-folders */
  private readonly bases: Array<{ dir: string; deep: boolean }>;
  /** folders created under a deep glob since the last scan, watched before the scan finds files in them */
  private readonly created = new Set<string>();
  /** paths of the open files and the names their rotated siblings start with, as of the last scan */
  private open = new Set<string>();
  private siblingsOf = new Set<string>();
  private failures = 0;
  private readonly failed;

  constructor(inputId: string, paths: string[], private readonly hooks: WakeHooks, watchFn?: WatchFunction) {
    this.bases = paths.map((g) => {
      const s = picomatch.scan(g);
      if (!s.isGlob) return { dir: dirname(resolve(g)), deep: false };
      return { dir: resolve(s.base || '.'), deep: s.glob.includes('/') || s.glob.includes('**') };
    });
    this.failed = registeredCounter(hooks.metrics.registry, 'vigil_file_watch_failures_total',
      'Folders of a file input that could not be watched for changes and are polled instead, by reason (ENOSPC: the inotify watch limit, EMFILE, ...)',
      ['input', 'reason']);
    this.watch = new FolderWatch((dir, kind, name) => this.onChange(dir, kind, name), (f) => this.onFailure(inputId, f), watchFn);
  }

  /**
   * After a scan: watches the globs' folders, the folders of the files found (and the folders between
   * them and their glob's folder) and of the files open, and stops watching the others.
   */
  sync(found: Iterable<string>, openPaths: Iterable<string>): void {
    const dirs = new Set<string>();
    for (const b of this.bases) dirs.add(b.dir);
    this.open = new Set(openPaths);
    this.siblingsOf = new Set([...this.open].map((p) => basename(p)));
    for (const p of [...found, ...this.open]) {
      for (let d = dirname(p); !dirs.has(d); d = dirname(d)) {
        dirs.add(d);
        if (!this.bases.some((b) => b.deep && d.startsWith(b.dir + sep))) break;
      }
    }
    for (const d of this.created) {
      if (existsSync(d)) dirs.add(d); else this.created.delete(d);
    }
    this.watch.sync(dirs);
  }

  close(): void {
    this.watch.close();
  }

  status(): WakeStatus {
    return { ...this.watch.status(), failures: this.failures };
  }

  private onChange(dir: string, kind: 'rename' | 'change', name: string | null): void {
    if (name === null) { this.hooks.wake(true); return; }
    const path = join(dir, name);
    if (kind === 'change') {
      // a file written: read it; one the globs take that is not open yet (no complete first line at the last scan) wants a scan
      this.hooks.wake(!this.open.has(path) && this.hooks.ownsPath(path));
      return;
    }
    if (this.hooks.ownsPath(path) || this.isSibling(name)) { this.hooks.wake(true); return; }
    if (this.bases.some((b) => b.deep && (path.startsWith(b.dir + sep)))) {
      let isDir = false;
      try { isDir = statSync(path).isDirectory(); } catch { /* gone again */ }
      if (isDir) {
        // watched before the scan lists it: a file written into it after this is notified, one before is found by the scan
        this.created.add(path);
        this.watch.add(path);
        this.hooks.wake(true);
      }
    }
  }

  /** `app.json.1`, `app.json-20261202`: a rotated sibling of a file being read (rotation-follow.ts knows them exactly). */
  private isSibling(name: string): boolean {
    for (const live of this.siblingsOf) {
      if (name.length > live.length + 1 && name.startsWith(live) && '.-_'.includes(name[live.length])) return true;
    }
    return false;
  }

  private onFailure(input: string, f: WatchFailure): void {
    this.failures++;
    this.failed.inc({ input, reason: f.code });
    const why = f.code === 'ENOSPC' ? 'the system\'s limit of inotify watches is reached (fs.inotify.max_user_watches)' : f.message;
    this.hooks.log.warn({ input, dir: f.dir, code: f.code, err: f.message },
      `cannot watch a folder for changes (${why}); its files are read at each poll_interval instead`);
  }
}
