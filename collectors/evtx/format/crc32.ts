import * as zlib from 'node:zlib';

/** CRC-32 (IEEE 802.3 / RFC 1952 polynomial, initial value 0), as used by EVTX header and chunk checksums. */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The same CRC one byte at a time: where zlib has no crc32 (Node before 20.15), and to check zlib's against. */
export function crc32Table(buf: Uint8Array, start = 0, end = buf.length, prev = 0): number {
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native = (zlib as unknown as { crc32?: NativeCrc }).crc32;

/** Continue a CRC-32 over buf[start, end); pass the previous result to chain ranges (zlib's, some 50 times faster). */
export function crc32(buf: Uint8Array, start = 0, end = buf.length, prev = 0): number {
  if (native === undefined) return crc32Table(buf, start, end, prev);
  if (end <= start) return prev >>> 0;
  return native(buf.subarray(start, end), prev) >>> 0;
}
