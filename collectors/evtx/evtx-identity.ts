import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FoundFile } from '../file/discovery';
import { CHUNK_SIZE } from './format/chunk-header';
import { FILE_HEADER_SIZE } from './format/file-header';

/** Bytes an .evtx file needs before it has its full identity: the file header and the first chunk. */
export const IDENTITY_BYTES = FILE_HEADER_SIZE + CHUNK_SIZE;

/** The checkpoint key of an .evtx file's content. */
export function evtxSourceKey(identity: string): string {
  return `evtx:${identity}`;
}

/**
 * The identity of an .evtx file's content: a 128-bit hash of its first chunk (the 64 KiB after the
 * file header, holding the oldest records). It follows the content through renames and copies, and
 * stays the same while a copy goes on writing later chunks. The file header is left out on purpose:
 * its counters (last chunk, next record id, flags, checksum) change when the same log is exported
 * again with more records, while the content read so far does not.
 * A file shorter than `IDENTITY_BYTES` is identified by what it has (`complete` tells the caller
 * whether that may still change); a file of no more than a header, by its header.
 */
export function evtxIdentityOf(head: Buffer): { identity: string; complete: boolean } {
  const body = head.length > FILE_HEADER_SIZE ? head.subarray(FILE_HEADER_SIZE, IDENTITY_BYTES) : head;
  return { identity: createHash('sha256').update(body).digest('hex').slice(0, 32), complete: head.length >= IDENTITY_BYTES };
}

/**
 * Reads the identity of a discovered file through a handle checked to hold that file (null: the name
 * was given to another file since the listing; it is looked at again at the next scan).
 */
export async function identifyFound(f: FoundFile): Promise<{ identity: string; complete: boolean } | null> {
  const fh = await fsp.open(f.path, 'r');
  try {
    const st = await fh.stat();
    if (st.dev !== f.dev || st.ino !== f.ino || !st.isFile()) return null;
    const buf = Buffer.alloc(Math.min(IDENTITY_BYTES, st.size));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return evtxIdentityOf(buf.subarray(0, got));
  } finally {
    await fh.close().catch(() => undefined);
  }
}
