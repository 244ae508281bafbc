import { createHash } from 'node:crypto';
import type { promises as fsp } from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';

/**
 * A file's identity: a hash of its first line (at most `maxBytes` bytes of it). It does not change
 * while the file is appended to, follows the content through renames, copies and compression, and
 * changes when the file is truncated and written anew. A file with no complete first line yet
 * (and shorter than `maxBytes`) has no identity and is not read until it has one.
 */
export function fingerprintOf(head: Buffer, maxBytes: number): string | null {
  const nl = head.indexOf(0x0a);
  let bytes: Buffer;
  if (nl >= 0 && nl < maxBytes) bytes = head.subarray(0, nl + 1);
  else if (head.length >= maxBytes) bytes = head.subarray(0, maxBytes);
  else return null;
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Fingerprint of a plain file through an open handle. */
export async function fingerprintHandle(fh: fsp.FileHandle, maxBytes: number): Promise<string | null> {
  const buf = Buffer.alloc(maxBytes);
  const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
  return fingerprintOf(buf.subarray(0, bytesRead), maxBytes);
}

/** Fingerprint of the decompressed content of a gzip file through an open handle: the same as the plain file it was made from. */
export async function fingerprintGzipHandle(fh: fsp.FileHandle, maxBytes: number, fileSize: number): Promise<string | null> {
  // Decompress a growing prefix of the compressed bytes (a sync flush gives what a partial stream holds)
  // until the first line is complete or the whole file has been looked at.
  let want = Math.min(fileSize, 16 * 1024);
  for (;;) {
    const buf = Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buf, 0, want, 0);
    const whole = bytesRead >= fileSize;
    let head: Buffer;
    try {
      head = gunzipSync(buf.subarray(0, bytesRead), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (err) {
      if (whole) throw err; // not gzip at all, or corrupt
      head = Buffer.alloc(0);
    }
    const fp = fingerprintOf(head.subarray(0, maxBytes), maxBytes);
    if (fp) return fp;
    if (whole) {
      // a compressed file never grows: its whole content identifies it even without a newline,
      // once it is complete (a file still being written by the compressor has no identity yet)
      if (head.length === 0 || !isCompleteGzip(buf.subarray(0, bytesRead))) return null;
      return fingerprintOf(head, head.length);
    }
    want = Math.min(fileSize, want * 4);
  }
}

function isCompleteGzip(buf: Buffer): boolean {
  try { gunzipSync(buf); return true; } catch { return false; }
}

/** The uncompressed size recorded in a gzip trailer (modulo 2^32), or null. */
export async function gzipTrailerSize(fh: fsp.FileHandle, fileSize: number): Promise<number | null> {
  if (fileSize < 18) return null;
  const b = Buffer.alloc(4);
  await fh.read(b, 0, 4, fileSize - 4);
  return b.readUInt32LE(0);
}
