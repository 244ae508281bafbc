import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { cutTornTail } from '../spool/torn-tail';
import { splitRecord } from '../spool/record-line';
import { ReplaySet } from './replay-set';

/**
 * The start-up budget of the duplicate check: at most this many ids are held (about 30 bytes of
 * heap each) and at most this many bytes of the store are read, whatever the store holds after the
 * mark (a mark far behind, or none at all when the registry was moved away).
 */
export const REPLAY_MAX_IDS = 200_000;
export const REPLAY_MAX_BYTES = 128 * 1024 * 1024;

const CHUNK = 1 << 20;

export interface ReplayWindow {
  /** ids written after the mark that the committed positions do not cover: they may be sent again */
  ids: ReplaySet;
  tornBytes: number;
  /** bytes after the mark that were read */
  checkedBytes: number;
  /** bytes after the mark (the oldest ones) left unread because the budget ran out: their events, if sent again, are written twice */
  uncheckedBytes: number;
}

export interface ReplayBudget {
  /** true for an id that the committed positions already cover (it will not be sent again: not held) */
  covered: (id: string) => boolean;
  maxIds?: number;
  maxBytes?: number;
}

/**
 * Reads the ids of the events written to the store after the last committed mark: the events that
 * a restarted daemon may send again. Reads from the end of the store backwards, so the newest events
 * (those a crash left unacknowledged) come first, and stops at the mark or when the budget is spent.
 * Also cuts a torn last line left by a crash.
 */
export function readReplayIds(dir: string, files: string[], mark: { file: string; size: number } | undefined, budget: ReplayBudget): ReplayWindow {
  const w: ReplayWindow = { ids: new ReplaySet(), tornBytes: 0, checkedBytes: 0, uncheckedBytes: 0 };
  if (files.length > 0) w.tornBytes = cutTornTail(join(dir, files[files.length - 1]));
  const startIdx = mark ? files.indexOf(mark.file) : 0;
  const left = { ids: budget.maxIds ?? REPLAY_MAX_IDS, bytes: budget.maxBytes ?? REPLAY_MAX_BYTES };
  for (let i = files.length - 1; i >= 0; i--) {
    if (mark && startIdx >= 0 && i < startIdx) break;
    if (mark && startIdx < 0 && files[i] < mark.file) break;
    const from = mark && files[i] === mark.file ? mark.size : 0;
    scanBackward(join(dir, files[i]), from, budget.covered, left, w);
  }
  return w;
}

/** Adds the ids of the lines of `path` after `from`, newest first, while the budget lasts. */
function scanBackward(path: string, from: number, covered: (id: string) => boolean, left: { ids: number; bytes: number }, w: ReplayWindow): void {
  const fd = openSync(path, 'r');
  try {
    let end = fstatSync(fd).size;
    let buf = Buffer.alloc(0);
    let tail = true;
    let size = Math.min(CHUNK, left.bytes);
    while (end > from && left.ids > 0 && left.bytes > 0) {
      const start = Math.max(from, end - size);
      if (buf.length < end - start) buf = Buffer.allocUnsafe(end - start);
      const data = buf.subarray(0, readSync(fd, buf, 0, end - start, start));
      let stop = data.length;
      if (tail) {
        // what follows the last newline is a line still torn (an older day's file): not an event
        const last = data.lastIndexOf(0x0a);
        if (last < 0 && start > from) { size *= 2; continue; }
        stop = last + 1;
        end = start + stop;
        tail = false;
        if (stop === 0) break;
      }
      // lines start after the first newline, unless the piece starts at `from` (a line boundary)
      let lineStart = 0;
      if (start > from) {
        const nl = data.indexOf(0x0a);
        if (nl + 1 >= stop) { size *= 2; continue; } // one line longer than the piece
        lineStart = nl + 1;
      }
      const cut = takeIds(data.subarray(0, stop), lineStart, covered, left, w);
      const doneFrom = start + (cut < 0 ? lineStart : cut);
      w.checkedBytes += end - doneFrom;
      left.bytes -= end - doneFrom;
      end = doneFrom;
      if (cut >= 0) break;
      size = Math.min(CHUNK, Math.max(1, left.bytes));
    }
    if (end > from) w.uncheckedBytes += end - from;
  } finally {
    closeSync(fd);
  }
}

/**
 * Adds the ids of the lines of `data` from `lineStart` (whole lines), newest first; returns -1 when
 * all were taken, or the end of the newest line not taken when the id budget ran out.
 */
function takeIds(data: Buffer, lineStart: number, covered: (id: string) => boolean, left: { ids: number }, w: ReplayWindow): number {
  const ids: string[] = [];
  const ends: number[] = [];
  for (let s = lineStart; s < data.length;) {
    const nl = data.indexOf(0x0a, s);
    const rec = splitRecord(data, s, nl);
    if (rec && !covered(rec.id)) { ids.push(rec.id); ends.push(nl + 1); }
    s = nl + 1;
  }
  for (let k = ids.length - 1; k >= 0; k--) {
    if (left.ids <= 0) return ends[k];
    if (w.ids.add(ids[k])) left.ids--;
  }
  return -1;
}
