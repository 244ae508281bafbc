import { promises as fsp, openSync, fsyncSync, closeSync, renameSync, unlinkSync, readdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { writeFully, writeFullySync } from './write-fully';

let seq = 0;
const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${++seq}.tmp`);

/**
 * Write a file so that a crash leaves either the old or the new content: temp file, fsync, rename,
 * fsync dir. A write that fails (a full disk) removes its temp file and leaves the old content.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = tempName(path);
  const fh = await fsp.open(tmp, 'w', 0o600);
  try {
    try {
      await writeFully(fh, typeof data === 'string' ? Buffer.from(data) : data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Synchronous twin, for the last commit on the way out of a signal handler. */
export function writeFileAtomicSync(path: string, data: string | Buffer): void {
  const tmp = tempName(path);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    try {
      writeFullySync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  try {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* directories cannot be fsynced on every platform */ }
}

/**
 * Removes the temp files that atomic writes of `path` left behind when the process died between
 * creating and renaming them (`.<name>.<pid>.<n>.tmp`); returns how many. Call at start, before
 * any write of `path`.
 */
export function removeStaleTemps(path: string): number {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try { names = readdirSync(dirname(path)); } catch { return 0; }
  let n = 0;
  for (const f of names) {
    if (!f.startsWith(prefix) || !/^\d+\.\d+\.tmp$/.test(f.slice(prefix.length))) continue;
    try { unlinkSync(join(dirname(path), f)); n++; } catch { /* gone meanwhile */ }
  }
  return n;
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const dh = await fsp.open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* directories cannot be fsynced on every platform (Windows) */ }
}
