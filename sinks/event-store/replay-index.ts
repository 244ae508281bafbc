import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { cutTornTail } from '../../src/spool/torn-tail';
import { splitRecord } from '../../src/spool/record-line';

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
  const rec = splitRecord(buf, start, end);
  if (rec) ids.add(rec.id);
}
