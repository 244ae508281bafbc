import type { XmlElement } from '../../windows-event/xml-tree';
import { ChunkDecoder } from './binxml';
import { parseChunkHeader, CHUNK_HEADER_SIZE } from './chunk-header';
import { chunkPlan } from './chunk-plan';
import { frameAt, nextSignature, RECORD_HEADER_SIZE } from './record-frame';
import type { EvtxIssue, EvtxRecord, EvtxStats } from './types';
import { formatFiletime } from './value-format';
import { serialiseXml } from './xml-serialise';

class DecodedRecord implements EvtxRecord {
  constructor(
    readonly recordId: string,
    readonly written: string,
    readonly tree: XmlElement,
    readonly fileOffset: number,
    readonly chunkIndex: number,
    readonly checksumMismatch: boolean,
  ) {}

  xml(): string {
    return serialiseXml(this.tree);
  }
}

export interface ChunkContext {
  chunkIndex: number;
  /** File offset of the chunk. */
  fileOffset: number;
  verifyChecksums: boolean;
  stats: EvtxStats;
  report: (issue: EvtxIssue) => void;
}

function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/** The offset of the first whole record framed in the chunk, or -1. */
function firstFrame(buf: Buffer): number {
  for (let p = nextSignature(buf, CHUNK_HEADER_SIZE, buf.length); p >= 0; p = nextSignature(buf, p + 1, buf.length)) {
    if (frameAt(buf, p, buf.length)) return p;
  }
  return -1;
}

/**
 * Decode the records of one chunk held in `buf` (65536 bytes, or fewer for a truncated last chunk), as
 * chunk-plan.ts decides from the header. Every record whose framing is whole (signature, size and the
 * size copy at its end agree) and whose Binary XML decodes is yielded; damaged ones are skipped, and
 * every skip is counted in `stats.skippedRecords` and reported. Nothing is thrown for bad data; every
 * loop step advances, so the work is bounded by the chunk's size.
 */
export function* chunkRecords(buf: Buffer, ctx: ChunkContext): Generator<EvtxRecord> {
  const { stats, report, chunkIndex } = ctx;
  const at = (off: number) => ctx.fileOffset + off;
  const header = parseChunkHeader(buf, ctx.verifyChecksums);
  if (!header) {
    stats.skippedChunks++;
    report({ kind: 'chunk-skipped', message: `chunk shorter than its header (${buf.length} bytes)`, chunkIndex, fileOffset: at(0) });
    return;
  }
  if (header.empty && allZero(buf, CHUNK_HEADER_SIZE, buf.length)) {
    stats.emptyChunks++;
    return;
  }
  const plan = chunkPlan(header, buf.length, !header.sane && firstFrame(buf) >= 0, ctx.verifyChecksums);
  const described = `signature ${header.signatureOk ? 'ok' : 'bad'}, free space offset ${header.freeSpaceOffset}, last record offset ${header.lastRecordOffset}`;
  if (!plan.read) {
    stats.skippedChunks++;
    report({ kind: 'chunk-skipped', message: `chunk header not usable and no record framed in it (${described})`, chunkIndex, fileOffset: at(0) });
    return;
  }
  if (plan.scanned) {
    stats.scannedChunks++;
    report({ kind: 'chunk-header', message: `chunk header not usable (${described}); records found by scanning the chunk`, chunkIndex, fileOffset: at(0) });
  } else if (!header.signatureOk) {
    stats.badChunkSignatures++;
    report({ kind: 'chunk-signature', message: 'bad chunk signature; structure looks sane, reading it', chunkIndex, fileOffset: at(0) });
  }
  if (!header.headerChecksumOk) {
    stats.checksumMismatches++;
    report({ kind: 'chunk-checksum', message: 'chunk header CRC32 mismatch', chunkIndex, fileOffset: at(0) });
  }
  if (!plan.scanned && !header.recordsChecksumOk) {
    stats.checksumMismatches++;
    report({ kind: 'chunk-checksum', message: 'chunk record data CRC32 mismatch', chunkIndex, fileOffset: at(0) });
  }
  const { idRange } = plan;
  const decoder = new ChunkDecoder(buf);
  const { limit } = plan;
  // a header that cannot be trusted may hold a damaged free space offset: records may run past it
  const end = plan.readOnPastLimit ? buf.length : limit;
  let pos = CHUNK_HEADER_SIZE;
  let lost = 0; // damaged spots skipped: bytes that are not a record, records that do not decode
  let inRange = 0;
  let lastId: bigint | undefined;
  while (pos < end) {
    const frame = frameAt(buf, pos, end);
    // past the free space offset, only records that go on with the next id (the rest is the chunk's slack)
    if (pos >= limit && (!frame || lastId === undefined || frame.recordId !== lastId + 1n)) break;
    if (!frame) {
      // the unused rest (records zeroed in a declared range are counted below)
      if (allZero(buf, pos, limit)) break;
      const next = nextSignature(buf, pos + 1, end);
      // a chunk scanned without its header: bytes after its last record are its slack, not damage
      if (plan.scanned && next < 0) break;
      lost++;
      stats.skippedRecords++;
      report({ kind: 'record-framing', message: `no valid record at chunk offset ${pos}`, chunkIndex, fileOffset: at(pos), records: 1 });
      if (next < 0) break;
      pos = next;
      continue;
    }
    const recordId = frame.recordId.toString();
    if (idRange && (frame.recordId < idRange.first || frame.recordId > idRange.last)) {
      // a left-over record of an earlier use of this chunk (seen in VSS copies): its templates are gone
      stats.skippedRecords++;
      report({
        kind: 'record-stale',
        message: `record ${recordId} outside the chunk's id range ${idRange.first}-${idRange.last}`,
        chunkIndex, fileOffset: at(pos), recordId, records: 1,
      });
      pos += frame.size;
      continue;
    }
    let tree: XmlElement | undefined;
    try {
      const nodes = decoder.decodeRecord(pos + RECORD_HEADER_SIZE, pos + frame.size - 4);
      for (const n of nodes) if (typeof n !== 'string') { tree = n; break; }
      if (!tree) throw new Error('record holds no element');
    } catch (e) {
      lost++;
      stats.skippedRecords++;
      report({
        kind: 'record-decode', message: `record ${recordId}: ${(e as Error).message}`, chunkIndex, fileOffset: at(pos), recordId, records: 1,
      });
    }
    if (tree) {
      stats.records++;
      if (idRange) inRange++;
      lastId = frame.recordId;
      if (plan.checksumMismatch) stats.checksumMismatchRecords++;
      yield new DecodedRecord(recordId, formatFiletime(frame.writtenTicks), tree, at(pos), chunkIndex, plan.checksumMismatch);
    }
    pos += frame.size;
  }
  if (idRange) {
    // the records the header declares and that were neither read nor reported (zeroed, or several in one damaged spot)
    const missing = Number(idRange.last - idRange.first) + 1 - inRange;
    if (missing > lost) {
      stats.skippedRecords += missing - lost;
      report({
        kind: 'records-missing',
        message: `${missing - lost} of the records ${idRange.first}-${idRange.last} that the chunk header declares were not found${lost ? ' (besides the damage reported)' : ''}`,
        chunkIndex, fileOffset: at(0), records: missing - lost,
      });
    }
  }
}
