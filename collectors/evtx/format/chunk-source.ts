import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { CHUNK_SIZE } from './chunk-header';
import { FILE_HEADER_SIZE, parseFileHeader } from './file-header';
import type { EvtxIssue, EvtxReadOptions, EvtxStats } from './types';

/** One chunk of the file as read: `buf` is valid until the next chunk is asked for. */
export interface RawChunk {
  index: number;
  fileOffset: number;
  buf: Buffer;
  verifyChecksums: boolean;
}

/** Chunks read at once; the next block is read while this one is decoded. */
const BLOCK_CHUNKS = 16;

interface Block { buf: Buffer; first: number; want: number; got: number; error: Error | null }

async function readBlock(fh: FileHandle, buf: Buffer, first: number, chunks: number): Promise<Block> {
  const want = chunks * CHUNK_SIZE;
  const position = FILE_HEADER_SIZE + first * CHUNK_SIZE;
  let got = 0;
  try {
    while (got < want) {
      const { bytesRead } = await fh.read(buf, got, want - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { buf, first, want, got, error: null };
  } catch (e) {
    return { buf, first, want, got, error: e as Error };
  }
}

/**
 * The file header checked (issues reported, `stats.fileHeaderOk` set), then the chunks from
 * `opts.firstChunk`, read ahead in blocks of 16 on two buffers. A last chunk cut short by the end of the
 * file is given as it is (counted and reported as truncated); a read error is reported ('io') and ends
 * the chunks. Never throws for the file's content.
 */
export async function* readChunks(path: string, opts: EvtxReadOptions, stats: EvtxStats, report: (i: EvtxIssue) => void): AsyncGenerator<RawChunk, void, undefined> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    report({ kind: 'io', message: `cannot open ${path}: ${(e as Error).message}` });
    return;
  }
  let pending: Promise<Block> | null = null;
  try {
    if (opts.expectFile) {
      const st = await fh.stat();
      if (st.dev !== opts.expectFile.dev || st.ino !== opts.expectFile.ino) {
        report({ kind: 'io', message: `${path} holds another file than the one identified (replaced meanwhile); it is looked at again at the next scan` });
        return;
      }
    }
    const headerBuf = Buffer.alloc(FILE_HEADER_SIZE);
    const head = await readBlockAt(fh, headerBuf);
    const header = parseFileHeader(headerBuf.subarray(0, head));
    stats.fileHeaderOk = header.signatureOk;
    if (!header.signatureOk) report({ kind: 'file-header', message: 'bad file signature (not "ElfFile"); trying chunks anyway', fileOffset: 0 });
    else if (!header.checksumOk) {
      stats.checksumMismatches++;
      report({ kind: 'file-header', message: 'file header CRC32 mismatch', fileOffset: 0 });
    }
    if (header.dirty) report({ kind: 'file-dirty', message: 'file header marked dirty (not closed cleanly)', fileOffset: 0 });
    const verifyChecksums = (opts.verifyChecksums ?? true) && !header.noCrc32;
    const firstChunk = Math.max(0, opts.firstChunk ?? 0);
    const endChunk = firstChunk + (opts.maxChunks ?? Number.MAX_SAFE_INTEGER - firstChunk);
    const bufs = [Buffer.allocUnsafe(BLOCK_CHUNKS * CHUNK_SIZE), Buffer.allocUnsafe(BLOCK_CHUNKS * CHUNK_SIZE)];
    let turn = 0;
    const start = (first: number): Promise<Block> | null =>
      first < endChunk ? readBlock(fh as FileHandle, bufs[turn++ & 1], first, Math.min(BLOCK_CHUNKS, endChunk - first)) : null;
    pending = start(firstChunk);
    while (pending) {
      const blk: Block = await pending;
      const whole = blk.got === blk.want && blk.error === null;
      pending = whole ? start(blk.first + BLOCK_CHUNKS) : null;
      for (let off = 0; off < blk.want; off += CHUNK_SIZE) {
        const index = blk.first + off / CHUNK_SIZE;
        const fileOffset = FILE_HEADER_SIZE + index * CHUNK_SIZE;
        const n = Math.min(CHUNK_SIZE, blk.got - off);
        if (blk.error !== null && n < CHUNK_SIZE) {
          report({ kind: 'io', message: `read failed at ${fileOffset}: ${blk.error.message}`, fileOffset });
          return;
        }
        if (n <= 0) return;
        stats.chunks++;
        if (n < CHUNK_SIZE) {
          stats.truncatedChunks++;
          report({ kind: 'chunk-truncated', message: `last chunk has ${n} of ${CHUNK_SIZE} bytes`, chunkIndex: index, fileOffset });
        }
        yield { index, fileOffset, buf: blk.buf.subarray(off, off + n), verifyChecksums };
        if (n < CHUNK_SIZE) return;
      }
    }
  } catch (e) {
    report({ kind: 'io', message: `reading stopped: ${(e as Error).message}` });
  } finally {
    if (pending) await pending; // (never rejects) the read ahead ends before the file is closed
    await fh.close().catch(() => undefined);
  }
}

async function readBlockAt(fh: FileHandle, buf: Buffer): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
