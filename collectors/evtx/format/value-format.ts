/** Text renderings of Binary XML scalar values, in the form Windows prints them in Event XML. */

function pad(n: number | bigint, w: number): string {
  return n.toString().padStart(w, '0');
}

const FILETIME_EPOCH_DIFF_S = 11644473600n;
/** The last second formatted ("2016-07-08T18:12:51."): a record's write time and its TimeCreated mostly share it. */
let lastSecond = Number.NaN;
let lastPrefix = '';

/** FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601 with 7 fractional digits: 2016-07-08T18:12:51.6816410Z. */
export function formatFiletime(ticks: bigint): string {
  const second = Number(ticks / 10000000n - FILETIME_EPOCH_DIFF_S);
  const frac = Number(ticks % 10000000n);
  if (second !== lastSecond) {
    const d = new Date(second * 1000);
    if (Number.isNaN(d.getTime())) return '';
    const y = d.getUTCFullYear();
    const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 6);
    lastPrefix = `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:` +
      `${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.`;
    lastSecond = second;
  }
  return `${lastPrefix}${pad(frac, 7)}Z`;
}

/** SYSTEMTIME (8 little-endian uint16: year, month, weekday, day, hour, minute, second, ms) as ISO 8601. */
export function formatSystemtime(b: Uint8Array, p: number): string {
  const v = (i: number) => b[p + 2 * i] | (b[p + 2 * i + 1] << 8);
  return `${pad(v(0), 4)}-${pad(v(1), 2)}-${pad(v(3), 2)}T${pad(v(4), 2)}:${pad(v(5), 2)}:${pad(v(6), 2)}.${pad(v(7), 3)}Z`;
}

const HEX = '0123456789ABCDEF';

function hexByte(x: number): string {
  return HEX[x >> 4] + HEX[x & 15];
}

/** GUID (little-endian Data1/2/3) as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, upper case as Windows prints it. */
export function formatGuid(b: Uint8Array, p: number): string {
  const h = (i: number) => hexByte(b[p + i]);
  return `{${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}}`;
}

/** NT SID as S-1-5-21-…; returns undefined when the declared sub-authority count does not fit in `len` bytes. */
export function formatSid(b: Uint8Array, p: number, len: number): string | undefined {
  if (len < 8) return undefined;
  const rev = b[p];
  const n = b[p + 1];
  if (8 + 4 * n > len) return undefined;
  let auth = 0;
  for (let i = 0; i < 6; i++) auth = auth * 256 + b[p + 2 + i];
  let s = `S-${rev}-${auth}`;
  for (let i = 0; i < n; i++) s += '-' + u32(b, p + 8 + 4 * i);
  return s;
}

/** Binary data as upper-case hex digits (how Windows renders BinaryType). */
export function formatBinary(b: Uint8Array, p: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += hexByte(b[p + i]);
  return s;
}

/** Unsigned hex with 0x prefix, no padding (Windows HexInt32/HexInt64). */
export function formatHex(v: number | bigint): string {
  return '0x' + v.toString(16);
}

function u32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
}

/** The little-endian uint64 at b[p] as formatHex gives it, without a BigInt. */
export function formatHex64(b: Uint8Array, p: number): string {
  const lo = u32(b, p);
  const hi = u32(b, p + 4);
  return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** The little-endian uint64 at b[p] in decimal (a BigInt only past 2^53). */
export function formatUint64(b: Uint8Array, p: number): string {
  const lo = u32(b, p);
  const hi = u32(b, p + 4);
  return hi < 0x200000 ? String(hi * 0x100000000 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}
