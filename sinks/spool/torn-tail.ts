import { openSync, readSync, closeSync, fstatSync, ftruncateSync, fsyncSync } from 'node:fs';

/**
 * Cuts what follows the last newline of an append-only NDJSON file: the torn write of a process
 * killed in the middle of an append. Returns the number of bytes cut.
 */
export function cutTornTail(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const buf = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    while (end > 0) {
      const from = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - from, from);
      const nl = buf.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = from + nl + 1;
        if (keep === size) return 0;
        ftruncateSync(fd, keep);
        fsyncSync(fd);
        return size - keep;
      }
      end = from;
    }
    ftruncateSync(fd, 0);
    fsyncSync(fd);
    return size;
  } finally {
    closeSync(fd);
  }
}
