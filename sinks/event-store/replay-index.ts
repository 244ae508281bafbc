import { openSync, readSync, closeSync, fstatSync, ftruncateSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';

const ID_PREFIX = Buffer.from('{"_id":"');

/**
 * Reads the ids of the events written to the store after the last committed checkpoint: the
 * events that a restarted daemon will send again. Also cuts a torn last line left by a crash.
 */
export function readReplayIds(dir: string, files: string[], mark: { file: string; size: number } | undefined): { ids: Set<string>; tornBytes: number } {
  const ids = new Set<string>();
  let tornBytes = 0;
  const startIdx = mark ? files.indexOf(mark.file) : 0;
  for (let i = 0; i < files.length; i++) {
    const path = join(dir, files[i]);
    const last = i === files.length - 1;
    if (last) tornBytes += cutTornTail(path);
    if (mark && startIdx >= 0 && i < startIdx) continue;
    if (mark && startIdx < 0 && files[i] < mark.file) continue;
    const from = mark && files[i] === mark.file ? mark.size : 0;
    scanIds(path, from, ids);
  }
  return { ids, tornBytes };
}

function cutTornTail(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const buf = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    // walk back to the last newline
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

function scanIds(path: string, from: number, ids: Set<string>): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let pos = from;
    let carry: Buffer | null = null;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n === 0) break;
      pos += n;
      let data = chunk.subarray(0, n);
      if (carry) { data = Buffer.concat([carry, data]); carry = null; }
      let start = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, start);
        if (nl < 0) { carry = Buffer.from(data.subarray(start)); break; }
        addId(data, start, nl, ids);
        start = nl + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function addId(buf: Buffer, start: number, end: number, ids: Set<string>): void {
  if (end - start < ID_PREFIX.length + 2) return;
  if (buf.compare(ID_PREFIX, 0, ID_PREFIX.length, start, start + ID_PREFIX.length) !== 0) return;
  const idStart = start + ID_PREFIX.length;
  const q = buf.indexOf(0x22, idStart);
  if (q < 0 || q > end) return;
  ids.add(buf.toString('latin1', idStart, q));
}
