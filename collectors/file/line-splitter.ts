import { isAscii } from 'node:buffer';

/**
 * Receives one complete line (without its newline), where it starts and where the next line starts:
 * either as bytes (`line`), or, when the bytes are pure ASCII, already decoded (`line` null, `text`).
 */
export type LineHandler = (line: Buffer | null, start: number, next: number, truncated: boolean, text?: string) => void;

/**
 * Cuts a byte stream into lines. A line without its newline yet is carried to the next chunk
 * (never emitted early); a line longer than `maxLineBytes` keeps its first `maxLineBytes` bytes and
 * is marked truncated, and the rest of it is skipped without being held in memory.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryKept = 0;
  private carryTotal = 0;
  /** offset where the current (incomplete) line starts: everything before it has been emitted */
  lineStart: number;

  constructor(private maxLineBytes: number, start = 0) {
    this.lineStart = start;
  }

  /** Bytes of the incomplete line held so far (kept ones only). */
  get carried(): number { return this.carryKept; }

  /** Bytes of the incomplete line seen so far, kept or not. */
  get pendingBytes(): number { return this.carryTotal; }

  reset(start: number): void {
    this.carry = [];
    this.carryKept = 0;
    this.carryTotal = 0;
    this.lineStart = start;
  }

  /** Feeds `chunk`, whose first byte is at `this.lineStart + this.pendingBytes`; calls `onLine` synchronously. */
  push(chunk: Buffer, onLine: LineHandler): void {
    const max = this.maxLineBytes;
    const base = this.lineStart + this.carryTotal; // offset of chunk[0]
    // An ASCII chunk is decoded once, and its lines are slices of that string (as cheap as JSON.parse's own input)
    const ascii = chunk.length > 0 && isAscii(chunk) ? chunk.toString('latin1') : null;
    let from = 0;
    for (;;) {
      // (in an ASCII chunk characters are bytes, and a string search is cheaper than a call into Buffer's)
      const nl = ascii !== null ? ascii.indexOf('\n', from) : chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      const lineStart = this.carryTotal > 0 ? this.lineStart : base + from;
      const next = base + nl + 1;
      if (this.carryTotal > 0) {
        const total = this.carryTotal + (nl - from);
        const room = max - this.carryKept;
        if (room > 0) this.carry.push(chunk.subarray(from, from + Math.min(room, nl - from)));
        const line = Buffer.concat(this.carry);
        this.carry = [];
        this.carryKept = 0;
        this.carryTotal = 0;
        onLine(line, lineStart, next, total > max);
      } else {
        const len = nl - from;
        if (len > max) onLine(chunk.subarray(from, from + max), lineStart, next, true);
        else if (ascii !== null) onLine(null, lineStart, next, false, ascii.slice(from, nl));
        else onLine(chunk.subarray(from, nl), lineStart, next, false);
      }
      this.lineStart = next;
      from = nl + 1;
    }
    if (from < chunk.length) {
      const rest = chunk.length - from;
      const room = max - this.carryKept;
      if (room > 0) {
        // copy: the caller reuses its chunk buffer
        const keep = Math.min(room, rest);
        this.carry.push(Buffer.from(chunk.subarray(from, from + keep)));
        this.carryKept += keep;
      }
      this.carryTotal += rest;
    }
  }

  /** Emits the incomplete line as it is (end of a file that will not grow any more). */
  flush(onLine: LineHandler): void {
    if (this.carryTotal === 0) return;
    const line = Buffer.concat(this.carry);
    const start = this.lineStart;
    const next = start + this.carryTotal;
    const truncated = this.carryTotal > this.maxLineBytes;
    this.reset(next);
    onLine(line, start, next, truncated);
  }
}
