import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, writeSync, closeSync, ftruncateSync, fstatSync, unlinkSync } from 'node:fs';

/**
 * Mounts a tmpfs of `size` (e.g. "5m") on `dir`. Returns null when mounted, or why it could not be
 * when the system does not permit it (not root, no CAP_SYS_ADMIN): the only reason a test may skip.
 * Any other failure throws.
 */
export function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    const text = `${e.message} ${e.stderr ? String(e.stderr) : ''}`;
    if (e.code === 'EPERM' || e.code === 'EACCES' || /permission denied|not permitted|must be superuser|only root/i.test(text)) {
      return `mounting a tmpfs is not permitted here: ${text.trim().split('\n').pop()}`;
    }
    throw err;
  }
}

/** Unmounts `dir` (lazily when something still holds it open). */
export function unmount(dir: string): void {
  try { execFileSync('umount', [dir], { stdio: 'ignore' }); } catch { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }); }
}

/**
 * Fills the file system of `path` (a new file) until a write fails with ENOSPC, then gives back
 * `leaveBytes`, so that the next larger write there is cut short. Returns the filler's size.
 */
export function fillDisk(path: string, leaveBytes: number): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  try {
    for (let len = chunk.length; len >= 512;) {
      try {
        writeSync(fd, chunk, 0, len);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        len = len / 2;
      }
    }
    const size = fstatSync(fd).size;
    ftruncateSync(fd, Math.max(0, size - leaveBytes));
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** Removes the filler: the space comes back. */
export function freeDisk(path: string): void {
  unlinkSync(path);
}
