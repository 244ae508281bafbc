/**
 * A large .evtx file for the memory benchmark: the sample files' intact chunks (header and record
 * checksums correct, as Windows wrote them) repeated behind one file header until the size is reached.
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { CHUNK_SIZE, parseChunkHeader } from '../collectors/evtx/format/chunk-header';
import { FILE_HEADER_SIZE } from '../collectors/evtx/format/file-header';
import { crc32 } from '../collectors/evtx/format/crc32';

/** The chunks of these files that are in use and pass their checksums. */
function intactChunks(files: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const f of files) {
    const data = readFileSync(f);
    for (let off = FILE_HEADER_SIZE; off + CHUNK_SIZE <= data.length; off += CHUNK_SIZE) {
      const chunk = data.subarray(off, off + CHUNK_SIZE);
      const h = parseChunkHeader(chunk, true);
      if (h && h.signatureOk && !h.empty && h.sane && h.headerChecksumOk && h.recordsChecksumOk) out.push(Buffer.from(chunk));
    }
  }
  return out;
}

/** Writes `file` (kept for the next run when it already has the size) and returns its chunk count. */
export function generateEvtx(file: string, bytes: number, samples: string[]): number {
  const chunksWanted = Math.max(1, Math.ceil((bytes - FILE_HEADER_SIZE) / CHUNK_SIZE));
  const size = FILE_HEADER_SIZE + chunksWanted * CHUNK_SIZE;
  if (existsSync(file) && statSync(file).size === size) return chunksWanted;
  const chunks = intactChunks(samples);
  if (chunks.length === 0) throw new Error('no intact chunk in the sample files');
  const header = Buffer.from(readFileSync(samples[0]).subarray(0, FILE_HEADER_SIZE));
  header.writeBigUInt64LE(0n, 8); // first chunk
  header.writeBigUInt64LE(BigInt(chunksWanted - 1), 16); // last chunk
  header.writeUInt16LE(Math.min(chunksWanted, 0xffff), 42); // chunk count
  header.writeUInt32LE(header.readUInt32LE(120) & ~0x1, 120); // not dirty
  header.writeUInt32LE(crc32(header, 0, 120), 124);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, header);
    for (let i = 0; i < chunksWanted; i++) writeSync(fd, chunks[i % chunks.length]);
  } finally {
    closeSync(fd);
  }
  return chunksWanted;
}
