import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { CHUNK_SIZE } from './chunk-header';
import { chunkRecords } from './chunk-records';
import { FILE_HEADER_SIZE, parseFileHeader } from './file-header';
import type { EvtxIssue, EvtxReadOptions, EvtxRecord, EvtxStats } from './types';
import { newStats } from './types';

export type EvtxReader = AsyncGenerator<EvtxRecord, EvtxStats, undefined> & { readonly stats: EvtxStats };

/**
 * Stream the records of an .evtx file, one 64 KiB chunk in memory at a time.
 * Bad data never throws: it is counted in `stats` (also returned when the generator finishes) and reported via
 * `opts.onIssue`. An unreadable file gives an 'io' issue and no records.
 */
export function readEvtx(path: string, opts: EvtxReadOptions = {}): EvtxReader {
  const stats = newStats();
  const gen = generate(path, opts, stats);
  return Object.assign(gen, { stats });
}

async function readFull(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

async function* generate(path: string, opts: EvtxReadOptions, stats: EvtxStats): AsyncGenerator<EvtxRecord, EvtxStats, undefined> {
  const maxIssues = opts.maxIssues ?? 100;
  const report = (issue: EvtxIssue) => {
    stats.issueCount++;
    if (stats.issues.length < maxIssues) stats.issues.push(issue);
    if (opts.onIssue) {
      try {
        opts.onIssue(issue);
      } catch {
        // a failing callback must not stop reading
      }
    }
  };
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    report({ kind: 'io', message: `cannot open ${path}: ${(e as Error).message}` });
    return stats;
  }
  try {
    if (opts.expectFile) {
      const st = await fh.stat();
      if (st.dev !== opts.expectFile.dev || st.ino !== opts.expectFile.ino) {
        report({ kind: 'io', message: `${path} holds another file than the one identified (replaced meanwhile); it is looked at again at the next scan` });
        return stats;
      }
    }
    const headerBuf = Buffer.alloc(FILE_HEADER_SIZE);
    const got = await readFull(fh, headerBuf, 0);
    const header = parseFileHeader(headerBuf.subarray(0, got));
    stats.fileHeaderOk = header.signatureOk;
    if (!header.signatureOk) report({ kind: 'file-header', message: 'bad file signature (not "ElfFile"); trying chunks anyway', fileOffset: 0 });
    else if (!header.checksumOk) {
      stats.checksumMismatches++;
      report({ kind: 'file-header', message: 'file header CRC32 mismatch', fileOffset: 0 });
    }
    if (header.dirty) report({ kind: 'file-dirty', message: 'file header marked dirty (not closed cleanly)', fileOffset: 0 });
    const verifyChecksums = (opts.verifyChecksums ?? true) && !header.noCrc32;
    const chunkBuf = Buffer.alloc(CHUNK_SIZE);
    const firstChunk = Math.max(0, opts.firstChunk ?? 0);
    const endChunk = firstChunk + (opts.maxChunks ?? Number.MAX_SAFE_INTEGER - firstChunk);
    for (let i = firstChunk; i < endChunk; i++) {
      const fileOffset = FILE_HEADER_SIZE + i * CHUNK_SIZE;
      let n: number;
      try {
        n = await readFull(fh, chunkBuf, fileOffset);
      } catch (e) {
        report({ kind: 'io', message: `read failed at ${fileOffset}: ${(e as Error).message}`, fileOffset });
        break;
      }
      if (n === 0) break;
      stats.chunks++;
      if (n < CHUNK_SIZE) {
        stats.truncatedChunks++;
        report({ kind: 'chunk-truncated', message: `last chunk has ${n} of ${CHUNK_SIZE} bytes`, chunkIndex: i, fileOffset });
      }
      // records reference the chunk buffer only while decoding; decoded trees hold copies (strings)
      yield* chunkRecords(chunkBuf.subarray(0, n), { chunkIndex: i, fileOffset, verifyChecksums, stats, report });
      if (n < CHUNK_SIZE) break;
    }
  } catch (e) {
    report({ kind: 'io', message: `reading stopped: ${(e as Error).message}` });
  } finally {
    await fh.close().catch(() => undefined);
  }
  return stats;
}
