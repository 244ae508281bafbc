/** Event record framing inside a chunk: signature 0x00002a2a, size, record id, FILETIME written, data, copy of size. */
export const RECORD_SIGNATURE = 0x00002a2a;
export const RECORD_HEADER_SIZE = 24;
const SIG_BYTES = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);

export interface RecordFrame {
  /** Offset of the record in the chunk. */
  offset: number;
  size: number;
  recordId: bigint;
  writtenTicks: bigint;
}

/** Check the record framing at `off`; undefined when it is not a whole, consistent record within [off, limit). */
export function frameAt(buf: Buffer, off: number, limit: number): RecordFrame | undefined {
  if (off + RECORD_HEADER_SIZE + 4 > limit) return undefined;
  if (buf.readUInt32LE(off) !== RECORD_SIGNATURE) return undefined;
  const size = buf.readUInt32LE(off + 4);
  if (size < RECORD_HEADER_SIZE + 4 || off + size > limit) return undefined;
  if (buf.readUInt32LE(off + size - 4) !== size) return undefined;
  return { offset: off, size, recordId: buf.readBigUInt64LE(off + 8), writtenTicks: buf.readBigUInt64LE(off + 16) };
}

/** Next offset after `from` where a record signature appears (for resynchronising after damage), or -1. */
export function nextSignature(buf: Buffer, from: number, limit: number): number {
  const i = buf.indexOf(SIG_BYTES, from);
  return i < 0 || i + RECORD_HEADER_SIZE > limit ? -1 : i;
}
