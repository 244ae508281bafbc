import { CHUNK_HEADER_SIZE, type ChunkHeader } from './chunk-header';

/**
 * How the records of one chunk are read, decided from what its header's checks found:
 *
 * - header usable (record bounds plausible; signature or checksums may be bad): records are read from
 *   offset 512 up to the free space offset, and when the header is trustworthy (signature and header
 *   CRC32 good, id range plausible) a record outside its id range is a left-over of an earlier use of
 *   the chunk and is skipped, and the declared records not found are counted as lost. When it is not
 *   trustworthy, its free space offset may be damaged too: records past it are read on while their
 *   ids go on one by one from the last one read (left-overs in the slack do not);
 * - header not usable (bounds implausible, or zeroed, as when the disk lost the chunk's first sector)
 *   but the slot holds records (its signature is good, or a whole record is framed somewhere in it):
 *   every record framed in the chunk is read that decodes (its templates may be gone with the header);
 * - neither: nothing to read (slack at the end of a file, or destroyed): skipped.
 *
 * Records of a chunk whose header or record-data CRC32 failed, or could not be checked (header not
 * usable, chunk cut short), are read all the same, marked `checksumMismatch`.
 */
export interface ChunkPlan {
  /** read or skip the chunk */
  read: boolean;
  /** where records end (exclusive, chunk-relative) */
  limit: number;
  /** the header's id range, when it is trustworthy enough to judge records by it */
  idRange?: { first: bigint; last: bigint };
  /** records of this chunk are not verified by its checksums */
  checksumMismatch: boolean;
  /** the header could not give the record bounds: the chunk is scanned for records */
  scanned: boolean;
  /** the free space offset is not trustworthy: records that go on with the next id are read past it */
  readOnPastLimit: boolean;
}

export function chunkPlan(header: ChunkHeader, length: number, holdsRecord: boolean, verifyChecksums: boolean): ChunkPlan {
  if (header.sane) {
    const trusted = header.signatureOk && header.headerChecksumOk && header.idRangePlausible;
    return {
      read: true,
      limit: Math.min(header.freeSpaceOffset, length),
      idRange: trusted ? { first: header.firstRecordId, last: header.lastRecordId } : undefined,
      checksumMismatch: verifyChecksums && (!header.headerChecksumOk || !header.recordsChecksumOk),
      scanned: false,
      readOnPastLimit: !trusted,
    };
  }
  const read = header.signatureOk || holdsRecord;
  return { read, limit: read ? length : CHUNK_HEADER_SIZE, checksumMismatch: verifyChecksums, scanned: read, readOnPastLimit: false };
}
