import { crc32 } from './crc32';

export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
const CHUNK_SIGNATURE = Buffer.from('ElfChnk\0', 'latin1');

/** The 512-byte chunk header ("ElfChnk\0") and what its checks found. */
export interface ChunkHeader {
  signatureOk: boolean;
  /** All-zero header: an unused chunk slot. */
  empty: boolean;
  firstRecordNumber: bigint;
  lastRecordNumber: bigint;
  firstRecordId: bigint;
  lastRecordId: bigint;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  headerChecksumOk: boolean;
  /** CRC32 of the record data [512, freeSpaceOffset); false also when that range is not inside the buffer. */
  recordsChecksumOk: boolean;
  /**
   * The header's record bounds are plausible: free space offset within [512, 65536] and the last record's
   * offset before it (or no record at all). When false the header cannot say where records are.
   */
  sane: boolean;
  /** The header's record id range is ordered and small enough to be a chunk's (at most one record per 28 bytes). */
  idRangePlausible: boolean;
}

/** The most records a chunk can hold (the smallest record is a 24-byte header and its 4-byte size copy). */
export const MAX_CHUNK_RECORDS = Math.floor((CHUNK_SIZE - CHUNK_HEADER_SIZE) / 28);

/** Parse and check a chunk header; `buf` may be shorter than a chunk (a truncated file). Never throws. */
export function parseChunkHeader(buf: Buffer, verifyChecksums: boolean): ChunkHeader | undefined {
  if (buf.length < CHUNK_HEADER_SIZE) return undefined;
  let empty = true;
  for (let i = 0; i < 128; i++) {
    if (buf[i] !== 0) {
      empty = false;
      break;
    }
  }
  const freeSpaceOffset = buf.readUInt32LE(48);
  const lastRecordOffset = buf.readUInt32LE(44);
  const headerSize = buf.readUInt32LE(40);
  const headerChecksumOk = !verifyChecksums ||
    crc32(buf, 128, CHUNK_HEADER_SIZE, crc32(buf, 0, 120)) === buf.readUInt32LE(124);
  let recordsChecksumOk = true;
  if (verifyChecksums) {
    recordsChecksumOk = freeSpaceOffset >= CHUNK_HEADER_SIZE && freeSpaceOffset <= buf.length &&
      crc32(buf, CHUNK_HEADER_SIZE, freeSpaceOffset) === buf.readUInt32LE(52);
  }
  const sane = !empty && freeSpaceOffset >= CHUNK_HEADER_SIZE && freeSpaceOffset <= CHUNK_SIZE &&
    (freeSpaceOffset === CHUNK_HEADER_SIZE || (lastRecordOffset >= CHUNK_HEADER_SIZE && lastRecordOffset < freeSpaceOffset));
  const firstRecordId = buf.readBigUInt64LE(24);
  const lastRecordId = buf.readBigUInt64LE(32);
  const idRangePlausible = firstRecordId > 0n && firstRecordId <= lastRecordId && lastRecordId - firstRecordId < BigInt(MAX_CHUNK_RECORDS);
  return {
    signatureOk: buf.subarray(0, 8).equals(CHUNK_SIGNATURE),
    empty,
    firstRecordNumber: buf.readBigUInt64LE(8),
    lastRecordNumber: buf.readBigUInt64LE(16),
    firstRecordId,
    lastRecordId,
    headerSize,
    lastRecordOffset,
    freeSpaceOffset,
    headerChecksumOk,
    recordsChecksumOk,
    sane,
    idRangePlausible,
  };
}
