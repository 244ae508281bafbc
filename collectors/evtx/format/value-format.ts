/** Text renderings of Binary XML scalar values, in the form Windows prints them in Event XML. */

function pad(n: number | bigint, w: number): string {
  return n.toString().padStart(w, '0');
}

const FILETIME_EPOCH_DIFF_S = 11644473600n;
const FILETIME_EPOCH_DIFF_S_NUM = 11644473600;
/** The last second formatted ("2016-07-08T18:12:51."): a record's write time and its TimeCreated mostly share it. */
let lastSecond = Number.NaN;
let lastPrefix = '';

/** FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601 with 7 fractional digits: 2016-07-08T18:12:51.6816410Z. */
export function formatFiletime(ticks: bigint): string {
  return formatSecondAndFraction(Number(ticks / 10000000n - FILETIME_EPOCH_DIFF_S), Number(ticks % 10000000n));
}

/**
 * The little-endian FILETIME at b[p] as `formatFiletime` gives it, without a BigInt: 2^32 ticks are
 * 429 s and 4967296 ticks, so below 2^30 for the high word (every date before the year 5000) the sums
 * stay exact in a double.
 */
export function formatFiletimeAt(b: Uint8Array, p: number): string {
  const lo = u32(b, p);
  const hi = u32(b, p + 4);
  if (hi >= 0x40000000) return formatFiletime((BigInt(hi) << 32n) | BigInt(lo));
  const rest = hi * 4967296 + lo;
  let carry = Math.floor(rest / 10000000);
  // (the quotient of two exact doubles, floored: one off at most where it rounds to a whole number)
  if (rest - carry * 10000000 < 0) carry--;
  else if (rest - carry * 10000000 >= 10000000) carry++;
  return formatSecondAndFraction(hi * 429 + carry - FILETIME_EPOCH_DIFF_S_NUM, rest - carry * 10000000);
}

function formatSecondAndFraction(second: number, frac: number): string {
  if (second !== lastSecond) {
    const d = new Date(second * 1000);
    if (Number.isNaN(d.getTime())) return '';
    const y = d.getUTCFullYear();
    const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 6);
    lastPrefix = `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:` +
      `${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.`;
    lastSecond = second;
  }
  return `${lastPrefix}${FRACTION_PAD.slice(0, 7 - digitCount(frac))}${frac}Z`;
}

const FRACTION_PAD = '0000000';

function digitCount(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : 7;
}

/** SYSTEMTIME (8 little-endian uint16: year, month, weekday, day, hour, minute, second, ms) as ISO 8601. */
export function formatSystemtime(b: Uint8Array, p: number): string {
  const v = (i: number) => b[p + 2 * i] | (b[p + 2 * i + 1] << 8);
  return `${pad(v(0), 4)}-${pad(v(1), 2)}-${pad(v(3), 2)}T${pad(v(4), 2)}:${pad(v(5), 2)}:${pad(v(6), 2)}.${pad(v(7), 3)}Z`;
}

/** Each byte's two upper-case hex digits. */
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hexByte(x: number): string {
  return HEX_BYTE[x];
}

/** GUID (little-endian Data1/2/3) as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, upper case as Windows prints it. */
export function formatGuid(b: Uint8Array, p: number): string {
  const h = HEX_BYTE;
  return '{' + h[b[p + 3]] + h[b[p + 2]] + h[b[p + 1]] + h[b[p]] + '-' + h[b[p + 5]] + h[b[p + 4]] + '-' + h[b[p + 7]] + h[b[p + 6]] + '-' +
    h[b[p + 8]] + h[b[p + 9]] + '-' + h[b[p + 10]] + h[b[p + 11]] + h[b[p + 12]] + h[b[p + 13]] + h[b[p + 14]] + h[b[p + 15]] + '}';
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
