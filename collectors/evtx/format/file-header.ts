import { crc32 } from './crc32';

/** The 4096-byte EVTX file header ("ElfFile\0"). */
export interface EvtxFileHeader {
  signatureOk: boolean;
  firstChunk: bigint;
  lastChunk: bigint;
  nextRecordId: bigint;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  blockSize: number;
  chunkCount: number;
  flags: number;
  /** flag 0x1 */
  dirty: boolean;
  /** flag 0x2 */
  full: boolean;
  /** flag 0x4: the file carries no CRC32 checksums (chunks and header are not checked). */
  noCrc32: boolean;
  checksumOk: boolean;
}

export const FILE_HEADER_SIZE = 4096;
const FILE_SIGNATURE = Buffer.from('ElfFile\0', 'latin1');

/** Parse the file header; never throws (a short buffer gives signatureOk false). */
export function parseFileHeader(buf: Buffer): EvtxFileHeader {
  if (buf.length < 128) {
    return {
      signatureOk: false, firstChunk: 0n, lastChunk: 0n, nextRecordId: 0n, headerSize: 0, minorVersion: 0,
      majorVersion: 0, blockSize: 0, chunkCount: 0, flags: 0, dirty: false, full: false, noCrc32: false, checksumOk: false,
    };
  }
  const flags = buf.readUInt32LE(120);
  const noCrc32 = (flags & 0x4) !== 0;
  return {
    signatureOk: buf.subarray(0, 8).equals(FILE_SIGNATURE),
    firstChunk: buf.readBigUInt64LE(8),
    lastChunk: buf.readBigUInt64LE(16),
    nextRecordId: buf.readBigUInt64LE(24),
    headerSize: buf.readUInt32LE(32),
    minorVersion: buf.readUInt16LE(36),
    majorVersion: buf.readUInt16LE(38),
    blockSize: buf.readUInt16LE(40),
    chunkCount: buf.readUInt16LE(42),
    flags,
    dirty: (flags & 0x1) !== 0,
    full: (flags & 0x2) !== 0,
    noCrc32,
    checksumOk: noCrc32 || crc32(buf, 0, 120) === buf.readUInt32LE(124),
  };
}
