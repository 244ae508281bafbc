/**
 * Damaged .evtx files made from a clean sample in ../shared, for the recovery tests: each maker copies
 * the sample's bytes and damages one thing, and says which records the damage takes away, so a test
 * can state what a reader must give by hand. The layout is walked here from the format's own fields
 * (chunk header at the start of each 64 KiB chunk, records framed by signature, size and size copy),
 * independently of the reader under test.
 */

export const FILE_HEADER = 4096;
export const CHUNK = 65536;
const RECORD_SIGNATURE = 0x00002a2a;

export interface RecordSpot {
  /** file offset of the record */
  offset: number;
  size: number;
  id: string;
  /** the record's Binary XML defines its template in place (later records of the chunk may use it) */
  definesTemplate: boolean;
}

export interface ChunkSpot {
  index: number;
  /** file offset of the chunk */
  offset: number;
  firstId: string;
  lastId: string;
  freeSpace: number;
  records: RecordSpot[];
}

/** The chunks of a clean file and their records, in file order (all-zero chunk slots left out). */
export function layoutOf(file: Buffer): ChunkSpot[] {
  const out: ChunkSpot[] = [];
  for (let index = 0; FILE_HEADER + (index + 1) * CHUNK <= file.length; index++) {
    const offset = FILE_HEADER + index * CHUNK;
    if (file.toString('latin1', offset, offset + 8) !== 'ElfChnk\0') continue;
    const freeSpace = file.readUInt32LE(offset + 48);
    const records: RecordSpot[] = [];
    for (let p = offset + 512; p < offset + freeSpace && file.readUInt32LE(p) === RECORD_SIGNATURE;) {
      const size = file.readUInt32LE(p + 4);
      // data: fragment header (4 bytes), template instance token, 1 byte, template id, definition offset
      const defOffset = file.readUInt32LE(p + 24 + 10);
      const definesTemplate = file[p + 24 + 4] === 0x0c && defOffset === p + 24 + 14 - offset;
      records.push({ offset: p, size, id: file.readBigUInt64LE(p + 8).toString(), definesTemplate });
      p += size;
    }
    out.push({
      index, offset, freeSpace, records,
      firstId: file.readBigUInt64LE(offset + 24).toString(), lastId: file.readBigUInt64LE(offset + 32).toString(),
    });
  }
  return out;
}

export interface Damaged {
  bytes: Buffer;
  /** the chunk damaged */
  chunk: ChunkSpot;
  /** ids of the records the damage destroys (a reader must count them as lost, not read them) */
  lost: string[];
  what: string;
}

function copy(file: Buffer): Buffer {
  return Buffer.from(file);
}

/**
 * One character of a string value in record `k` of the chunk changed ('A' → 'B' style, +1 on the low
 * byte of the last UTF-16 character of `text`'s last occurrence in the record, which lies in the
 * record's substitution values): the record still decodes, with that text changed.
 */
export function changeText(file: Buffer, chunk: ChunkSpot, k: number, text: string): Damaged & { changed: string } {
  const bytes = copy(file);
  const r = chunk.records[k];
  const at = bytes.subarray(r.offset, r.offset + r.size).lastIndexOf(Buffer.from(text, 'utf16le'));
  if (at < 0) throw new Error(`"${text}" not in record ${r.id}`);
  const last = r.offset + at + 2 * (text.length - 1);
  bytes[last] += 1;
  const changed = text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + 1);
  return { bytes, chunk, lost: [], what: `"${text}" changed to "${changed}" in record ${r.id}`, changed };
}

/** A bit of the chunk header's CRC32 flipped: the header fails its check, nothing else changes. */
export function breakHeaderChecksum(file: Buffer, chunk: ChunkSpot): Damaged {
  const bytes = copy(file);
  bytes[chunk.offset + 124] ^= 0x01;
  return { bytes, chunk, lost: [], what: `chunk ${chunk.index}: header CRC32 broken` };
}

/** Record `k`'s trailing size copy zeroed: its framing no longer agrees; the record is lost. */
export function cutTrailingSize(file: Buffer, chunk: ChunkSpot, k: number): Damaged {
  const bytes = copy(file);
  const r = chunk.records[k];
  bytes.writeUInt32LE(0, r.offset + r.size - 4);
  return { bytes, chunk, lost: [r.id], what: `record ${r.id}: trailing size zeroed` };
}

/** Record `k`'s size field set to `size` (an extreme: 0, 0xffffffff, …): its framing fails; the record is lost. */
export function setRecordSize(file: Buffer, chunk: ChunkSpot, k: number, size: number): Damaged {
  const bytes = copy(file);
  const r = chunk.records[k];
  bytes.writeUInt32LE(size >>> 0, r.offset + 4);
  return { bytes, chunk, lost: [r.id], what: `record ${r.id}: size set to ${size}` };
}

/** Record `k` zeroed whole (a lost sector run): the record is lost; pick one that defines no template. */
export function zeroRecord(file: Buffer, chunk: ChunkSpot, k: number): Damaged {
  const bytes = copy(file);
  const r = chunk.records[k];
  if (r.definesTemplate) throw new Error(`record ${r.id} defines a template: later records would be lost too`);
  bytes.fill(0, r.offset, r.offset + r.size);
  return { bytes, chunk, lost: [r.id], what: `record ${r.id} zeroed` };
}

/** The chunk header's 512 bytes zeroed (the chunk's first sector lost): its records are whole, their templates too. */
export function zeroChunkHeader(file: Buffer, chunk: ChunkSpot): Damaged {
  const bytes = copy(file);
  bytes.fill(0, chunk.offset, chunk.offset + 512);
  return { bytes, chunk, lost: [], what: `chunk ${chunk.index}: header sector zeroed` };
}

/** The header's free space offset set to `value` (0xffffffff: beyond the chunk; a record's offset: too small). */
export function setFreeSpace(file: Buffer, chunk: ChunkSpot, value: number): Damaged {
  const bytes = copy(file);
  bytes.writeUInt32LE(value >>> 0, chunk.offset + 48);
  return { bytes, chunk, lost: [], what: `chunk ${chunk.index}: free space offset set to ${value}` };
}

/**
 * The file cut `into` bytes after the start of the chunk: the records that end before the cut stay,
 * the others are lost (the chunk's records cannot be verified any more: its data checksum covers them all).
 */
export function truncateInChunk(file: Buffer, chunk: ChunkSpot, into: number): Damaged {
  const cut = chunk.offset + into;
  const lost = chunk.records.filter((r) => r.offset + r.size > cut).map((r) => r.id);
  return { bytes: Buffer.from(file.subarray(0, cut)), chunk, lost, what: `file cut ${into} bytes into chunk ${chunk.index}` };
}

/**
 * The chunk header's record bounds put back to when record `k` was not yet written (last record id and
 * offset those of record k-1, free space offset where record k starts), its CRC32 left as it was, so it
 * fails: a header sector older than the chunk's data, as a copy taken while the log was written can hold.
 */
export function rewindHeader(file: Buffer, chunk: ChunkSpot, k: number): Damaged {
  const bytes = copy(file);
  const prev = chunk.records[k - 1];
  bytes.writeBigUInt64LE(BigInt(prev.id), chunk.offset + 32);
  bytes.writeUInt32LE(prev.offset - chunk.offset, chunk.offset + 44);
  bytes.writeUInt32LE(chunk.records[k].offset - chunk.offset, chunk.offset + 48);
  return { bytes, chunk, lost: [], what: `chunk ${chunk.index}: header rewound to before record ${chunk.records[k].id}` };
}
