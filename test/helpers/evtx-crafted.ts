/**
 * A chunk written by hand, for what no sample holds: one record whose template repeats a Binary XML
 * value `repeat` times, the value being an instance of the same template, nested `depth` deep. A few
 * hundred bytes that describe a tree of repeat^depth elements (a "billion laughs" in Binary XML).
 */

import { crc32 } from 'node:zlib';

const CHUNK = 65536;
const FIRST_RECORD = 512;

class Writer {
  p: number;
  constructor(readonly buf: Buffer, at: number) { this.p = at; }
  u8(v: number): void { this.buf[this.p++] = v; }
  u16(v: number): void { this.buf.writeUInt16LE(v, this.p); this.p += 2; }
  u32(v: number): void { this.buf.writeUInt32LE(v >>> 0, this.p); this.p += 4; }
  fragmentHeader(): void { this.u8(0x0f); this.u8(1); this.u8(1); this.u8(0); }
  /** An element start without attributes, its name inline (dependency id, data size, name offset, name). */
  element(name: string): void {
    this.u8(0x01);
    this.u16(0xffff);
    this.u32(0);
    this.u32(this.p + 4);
    this.u32(0);
    this.u16(0);
    this.u16(name.length);
    this.buf.write(name, this.p, 'utf16le');
    this.p += 2 * name.length;
    this.u16(0);
    this.u8(0x02); // close start element
  }
}

export function nestedRepeatChunk(repeat: number, depth: number): Buffer {
  const buf = Buffer.alloc(CHUNK);
  const w = new Writer(buf, FIRST_RECORD + 24);
  w.fragmentHeader();
  // template instance with its definition in place: <Event><UserData><X>{0}×repeat</X></UserData></Event>
  w.u8(0x0c);
  w.u8(1);
  w.u32(1);
  const definition = w.p + 4;
  w.u32(definition);
  w.u32(0);
  w.p += 16; // guid
  const sizeAt = w.p;
  w.u32(0);
  const start = w.p;
  w.fragmentHeader();
  w.element('Event');
  w.element('UserData');
  w.element('X');
  for (let i = 0; i < repeat; i++) { w.u8(0x0d); w.u16(0); w.u8(0x21); }
  w.u8(0x04); w.u8(0x04); w.u8(0x04); w.u8(0x00);
  buf.writeUInt32LE(w.p - start, sizeAt);
  // the values: one each, a Binary XML instance of the same template, the innermost a string
  const values = (level: number): void => {
    w.u32(1);
    const descriptor = w.p;
    w.u16(0);
    w.u8(level === 0 ? 0x01 : 0x21);
    w.u8(0);
    const from = w.p;
    if (level === 0) {
      w.buf.write('ha', w.p, 'utf16le');
      w.p += 4;
    } else {
      w.fragmentHeader();
      w.u8(0x0c);
      w.u8(1);
      w.u32(1);
      w.u32(definition);
      values(level - 1);
    }
    buf.writeUInt16LE(w.p - from, descriptor);
  };
  values(depth);
  w.u8(0x00);
  const size = Math.ceil((w.p + 4 - FIRST_RECORD) / 8) * 8;
  buf.writeUInt32LE(0x00002a2a, FIRST_RECORD);
  buf.writeUInt32LE(size, FIRST_RECORD + 4);
  buf.writeBigUInt64LE(1n, FIRST_RECORD + 8);
  buf.writeUInt32LE(size, FIRST_RECORD + size - 4);
  // the chunk header: signature, record numbers and ids 1-1, offsets, the CRC32s of the records and the header
  buf.write('ElfChnk\0', 0, 'latin1');
  for (const at of [8, 16, 24, 32]) buf.writeBigUInt64LE(1n, at);
  buf.writeUInt32LE(128, 40);
  buf.writeUInt32LE(FIRST_RECORD, 44);
  buf.writeUInt32LE(FIRST_RECORD + size, 48);
  buf.writeUInt32LE(crc32(buf.subarray(FIRST_RECORD, FIRST_RECORD + size)), 52);
  buf.writeUInt32LE(crc32(Buffer.concat([buf.subarray(0, 120), buf.subarray(128, 512)])), 124);
  return buf;
}
