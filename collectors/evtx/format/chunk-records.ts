import type { XmlElement } from '../../windows-event/xml-tree';
import { ChunkDecoder } from './binxml';
import { parseChunkHeader, CHUNK_HEADER_SIZE } from './chunk-header';
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

/**
 * Decode the records of one chunk held in `buf` (65536 bytes, or fewer for a truncated last chunk).
 * Damaged records are counted and skipped; nothing is thrown for bad data. Every loop step advances.
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
  if (header.empty) {
    stats.emptyChunks++;
    return;
  }
  if (!header.sane) {
    stats.skippedChunks++;
    report({
      kind: 'chunk-skipped',
      message: `chunk header not usable (signature ${header.signatureOk ? 'ok' : 'bad'}, free space offset ${header.freeSpaceOffset})`,
      chunkIndex, fileOffset: at(0),
    });
    return;
  }
  if (!header.signatureOk) {
    stats.badChunkSignatures++;
    report({ kind: 'chunk-signature', message: 'bad chunk signature; structure looks sane, reading it', chunkIndex, fileOffset: at(0) });
  }
  if (!header.headerChecksumOk) {
    stats.checksumMismatches++;
    report({ kind: 'chunk-checksum', message: 'chunk header CRC32 mismatch', chunkIndex, fileOffset: at(0) });
  }
  if (!header.recordsChecksumOk) {
    stats.checksumMismatches++;
    report({ kind: 'chunk-checksum', message: 'chunk record data CRC32 mismatch', chunkIndex, fileOffset: at(0) });
  }
  const limit = Math.min(header.freeSpaceOffset, buf.length);
  const decoder = new ChunkDecoder(buf);
  const idRangeTrusted = header.headerChecksumOk && header.signatureOk && header.firstRecordId <= header.lastRecordId;
  let pos = CHUNK_HEADER_SIZE;
  while (pos < limit) {
    const frame = frameAt(buf, pos, limit);
    if (!frame) {
      if (allZero(buf, pos, limit)) break;
      stats.skippedRecords++;
      report({ kind: 'record-framing', message: `no valid record at chunk offset ${pos}`, chunkIndex, fileOffset: at(pos) });
      const next = nextSignature(buf, pos + 1, limit);
      if (next < 0) break;
      pos = next;
      continue;
    }
    const recordId = frame.recordId.toString();
    if (idRangeTrusted && (frame.recordId < header.firstRecordId || frame.recordId > header.lastRecordId)) {
      // a left-over record of an earlier use of this chunk (seen in VSS copies): its templates are gone
      stats.skippedRecords++;
      report({
        kind: 'record-stale',
        message: `record ${recordId} outside the chunk's id range ${header.firstRecordId}-${header.lastRecordId}`,
        chunkIndex, fileOffset: at(pos), recordId,
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
      stats.skippedRecords++;
      report({
        kind: 'record-decode', message: `record ${recordId}: ${(e as Error).message}`, chunkIndex, fileOffset: at(pos), recordId,
      });
    }
    if (tree) {
      stats.records++;
      yield new DecodedRecord(recordId, formatFiletime(frame.writtenTicks), tree, at(pos), chunkIndex);
    }
    pos += frame.size;
  }
}
