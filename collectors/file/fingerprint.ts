import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';

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

/** Fingerprint of a plain file by path. */
export async function fingerprintPath(path: string, maxBytes: number): Promise<string | null> {
  const fh = await fsp.open(path, 'r');
  try { return await fingerprintHandle(fh, maxBytes); } finally { await fh.close(); }
}

/** Fingerprint of the decompressed content of a gzip file: the same as the plain file it was made from. */
export function fingerprintGzip(path: string, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    let done = false;
    const src = createReadStream(path, { highWaterMark: 16 * 1024 });
    const gz = createGunzip();
    const finish = (err: Error | null, ended = false) => {
      if (done) return;
      done = true;
      src.destroy();
      gz.destroy();
      if (err && got === 0) { reject(err); return; }
      const head = Buffer.concat(parts).subarray(0, maxBytes);
      // a compressed file never grows: its whole content identifies it even without a newline
      resolve(fingerprintOf(head, maxBytes) ?? (ended && head.length > 0 ? fingerprintOf(head, head.length) : null));
    };
    gz.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= maxBytes || d.indexOf(0x0a) >= 0) finish(null);
    });
    gz.on('end', () => finish(null, true));
    gz.on('error', (e) => finish(e));
    src.on('error', (e) => finish(e));
    src.pipe(gz);
  });
}

/** The uncompressed size recorded in a gzip trailer (modulo 2^32), or null. */
export async function gzipTrailerSize(path: string): Promise<number | null> {
  const fh = await fsp.open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 18) return null;
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, size - 4);
    return b.readUInt32LE(0);
  } finally {
    await fh.close();
  }
}
