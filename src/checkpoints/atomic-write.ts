import { promises as fsp, openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

let seq = 0;
const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${++seq}.tmp`);

/** Write a file so that a crash leaves either the old or the new content: temp file, fsync, rename, fsync dir. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = tempName(path);
  const fh = await fsp.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, path);
  await fsyncDir(dirname(path));
}

/** Synchronous twin, for the last commit on the way out of a signal handler. */
export function writeFileAtomicSync(path: string, data: string | Buffer): void {
  const tmp = tempName(path);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* directories cannot be fsynced on every platform */ }
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const dh = await fsp.open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* directories cannot be fsynced on every platform (Windows) */ }
}
