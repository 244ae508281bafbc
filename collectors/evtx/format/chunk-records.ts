import type { XmlElement } from '../../windows-event/xml-tree';
import type { WindowsEventFields } from '../../windows-event/event-fields';
import { ChunkDecoder } from './binxml';
import { parseChunkHeader, CHUNK_HEADER_SIZE } from './chunk-header';
import { ChunkLosses } from './chunk-losses';
import { chunkPlan } from './chunk-plan';
import { recordContent, type RecordContent } from './record-content';
import { frameAt, nextSignature, RECORD_HEADER_SIZE } from './record-frame';
import type { EvtxIssue, EvtxRecord, EvtxStats } from './types';
import { formatFiletime } from './value-format';
import { serialiseXml } from './xml-serialise';

class DecodedRecord implements EvtxRecord {
  private built: XmlElement | undefined;

  constructor(
    readonly recordId: string,
    readonly written: string,
    private readonly content: RecordContent,
    readonly fileOffset: number,
    readonly chunkIndex: number,
    readonly checksumMismatch: boolean,
  ) {}

  get fields(): WindowsEventFields | undefined {
    return this.content.fields;
  }

  get tree(): XmlElement {
    this.built ??= this.content.tree();
    return this.built;
  }

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
 * every record lost is counted in `stats.skippedRecords` and reported (chunk-losses.ts). Nothing is
 * thrown for bad data; every loop step advances, and a record's expansion is capped, so the work is
 * bounded by the chunk's size.
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
  const { idRange, limit } = plan;
  const decoder = new ChunkDecoder(buf);
  const losses = new ChunkLosses(idRange, header.idRangePlausible ? header.firstRecordId : undefined, (loss) => {
    stats.skippedRecords += loss.records ?? 0;
    const { offset, ...issue } = loss;
    report({ ...issue, chunkIndex, fileOffset: at(offset) });
  });
  // a header that cannot be trusted may hold a damaged free space offset: records may run past it
  const end = plan.readOnPastLimit ? buf.length : limit;
  let pos = CHUNK_HEADER_SIZE;
  while (pos < end) {
    const frame = frameAt(buf, pos, end);
    // past the free space offset, only records that go on with the next id (the rest is the chunk's slack)
    if (pos >= limit && (!frame || losses.lastId === undefined || frame.recordId !== losses.lastId + 1n)) break;
    if (!frame) {
      // the unused rest (records zeroed in a declared range are counted as missing)
      if (allZero(buf, pos, limit)) break;
      const next = nextSignature(buf, pos + 1, end);
      // a chunk scanned without its header: bytes after its last record are its slack, not damage
      if (plan.scanned && next < 0) break;
      losses.damaged(pos);
      if (next < 0) break;
      pos = next;
      continue;
    }
    if (idRange && (frame.recordId < idRange.first || frame.recordId > idRange.last)) {
      // a left-over record of an earlier use of this chunk (seen in VSS copies): its templates are gone
      losses.stale(frame.recordId, pos);
      pos += frame.size;
      continue;
    }
    let content: RecordContent | undefined;
    try {
      content = recordContent(decoder, pos + RECORD_HEADER_SIZE, pos + frame.size - 4);
    } catch (e) {
      losses.undecodable(frame.recordId, pos, (e as Error).message);
    }
    if (content) {
      losses.decoded(frame.recordId);
      stats.records++;
      if (plan.checksumMismatch) stats.checksumMismatchRecords++;
      yield new DecodedRecord(frame.recordId.toString(), formatFiletime(frame.writtenTicks), content, at(pos), chunkIndex, plan.checksumMismatch);
    }
    pos += frame.size;
  }
  losses.finish();
}
