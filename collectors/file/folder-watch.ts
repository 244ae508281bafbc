import { statSync, watch as fsWatch, type FSWatcher, type WatchListener } from 'node:fs';

/** How a folder is watched: node's fs.watch by default; tests give one that fails as the system can. */
export type WatchFunction = (dir: string, listener: WatchListener<string>) => FSWatcher;

export const nodeWatch: WatchFunction = (dir, listener) => fsWatch(dir, { persistent: false, encoding: 'utf8' }, listener);

/** A notification: `name` is the entry of `dir` that changed, null when the system did not say which. */
export type FolderChange = (dir: string, kind: 'rename' | 'change', name: string | null) => void;

/** A folder that could not be watched (it is polled), with the system's reason. */
export interface WatchFailure { dir: string; code: string; message: string }

/** What /status shows of the watching. */
export interface FolderWatchStatus { folders: number; polled_folders: string[] }

interface Watched { watcher: FSWatcher; ino: number }

/** A folder whose watch failed is tried again after this. */
const RETRY_AFTER_MS = 60_000;

/**
 * The folders one file input is notified about (fs.watch: inotify on Linux, one watch per folder; a
 * folder's watch also reports writes to the files in it). {@link sync} is told the folders wanted after
 * each scan and adds and drops watches to match; a folder replaced by another of the same name (a new
 * inode) is watched again. A watch that cannot be set up (ENOSPC: the system's inotify watch limit
 * reached, EMFILE, a network filesystem that does not notify...) or that fails later leaves that folder
 * to the poll, which goes on regardless: `onFailure` is called once per folder and failure, and the
 * watch is tried again after a minute. Nothing here throws to the caller.
 */
export class FolderWatch {
  private watched = new Map<string, Watched>();
  /** folder → when its watch may be tried again */
  private failed = new Map<string, { retryAt: number; code: string }>();

  constructor(
    private readonly onChange: FolderChange,
    private readonly onFailure: (f: WatchFailure) => void,
    private readonly watchFn: WatchFunction = nodeWatch,
  ) {}

  /** Watches exactly the folders in `dirs` that exist (those that do not are dropped until they do). */
  sync(dirs: Iterable<string>): void {
    const wanted = new Set(dirs);
    for (const [dir, w] of this.watched) {
      if (!wanted.has(dir)) this.unwatch(dir, w);
    }
    for (const dir of this.failed.keys()) if (!wanted.has(dir)) this.failed.delete(dir);
    for (const dir of wanted) this.add(dir);
  }

  /** Watches one more folder now (a folder just created under a watched one); kept until a sync without it. */
  add(dir: string): void {
    const ino = inodeOf(dir);
    const w = this.watched.get(dir);
    if (w) {
      if (ino === w.ino) return;
      this.unwatch(dir, w); // gone, or another folder now has its name
    }
    if (ino === null) return;
    const f = this.failed.get(dir);
    if (f && Date.now() < f.retryAt) return;
    let watcher: FSWatcher;
    try {
      watcher = this.watchFn(dir, (kind, name) => this.onChange(dir, kind === 'change' ? 'change' : 'rename', name ?? null));
    } catch (err) {
      this.fail(dir, err as NodeJS.ErrnoException);
      return;
    }
    watcher.on('error', (err: NodeJS.ErrnoException) => {
      const cur = this.watched.get(dir);
      if (cur?.watcher === watcher) this.unwatch(dir, cur);
      this.fail(dir, err);
    });
    this.watched.set(dir, { watcher, ino });
    this.failed.delete(dir);
  }

  /** Stops every watch. */
  close(): void {
    for (const [dir, w] of this.watched) this.unwatch(dir, w);
    this.failed.clear();
  }

  status(): FolderWatchStatus {
    return { folders: this.watched.size, polled_folders: [...this.failed.keys()] };
  }

  private unwatch(dir: string, w: Watched): void {
    this.watched.delete(dir);
    try { w.watcher.close(); } catch { /* already closed by the system */ }
  }

  private fail(dir: string, err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'error';
    const before = this.failed.get(dir);
    this.failed.set(dir, { retryAt: Date.now() + RETRY_AFTER_MS, code });
    if (before?.code !== code) this.onFailure({ dir, code, message: err.message });
  }
}

function inodeOf(dir: string): number | null {
  try {
    const st = statSync(dir);
    return st.isDirectory() ? st.ino : null;
  } catch {
    return null;
  }
}
