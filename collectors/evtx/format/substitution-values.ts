import type { SubValue, XmlValue } from './template-nodes';
import { NULL_VALUE } from './template-nodes';
import { formatBinary, formatFiletimeAt, formatGuid, formatHex, formatHex64, formatSid, formatSystemtime, formatUint64 } from './value-format';

/** Value type codes of Binary XML substitutions (array = type | 0x80). */
export const enum ValueType {
  Null = 0x00, String = 0x01, AnsiString = 0x02, Int8 = 0x03, UInt8 = 0x04, Int16 = 0x05, UInt16 = 0x06,
  Int32 = 0x07, UInt32 = 0x08, Int64 = 0x09, UInt64 = 0x0a, Real32 = 0x0b, Real64 = 0x0c, Bool = 0x0d,
  Binary = 0x0e, Guid = 0x0f, SizeT = 0x10, FileTime = 0x11, SysTime = 0x12, Sid = 0x13, HexInt32 = 0x14,
  HexInt64 = 0x15, EvtHandle = 0x20, BinXml = 0x21, EvtXml = 0x23, ArrayFlag = 0x80,
}

/** Parses a nested Binary XML value held at buf[p, p+size) (the chunk's own buffer, so name offsets resolve). */
export type NestedBinXmlParser = (p: number, size: number) => XmlValue;

function stripNuls(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0) e--;
  return e === s.length ? s : s.slice(0, e);
}

function utf16(buf: Buffer, p: number, size: number): string {
  return buf.toString('utf16le', p, p + (size & ~1));
}

/** Render one fixed-size scalar at buf[p, p+size); undefined when the type is not a fixed-size scalar. */
function scalar(buf: Buffer, type: number, p: number, size: number): string | undefined {
  switch (type) {
    case ValueType.Int8: return size >= 1 ? String(buf.readInt8(p)) : '';
    case ValueType.UInt8: return size >= 1 ? String(buf[p]) : '';
    case ValueType.Int16: return size >= 2 ? String(buf.readInt16LE(p)) : '';
    case ValueType.UInt16: return size >= 2 ? String(buf.readUInt16LE(p)) : '';
    case ValueType.Int32: return size >= 4 ? String(buf.readInt32LE(p)) : '';
    case ValueType.UInt32: return size >= 4 ? String(buf.readUInt32LE(p)) : '';
    case ValueType.Int64: return size >= 8 ? buf.readBigInt64LE(p).toString() : '';
    case ValueType.UInt64: return size >= 8 ? formatUint64(buf, p) : '';
    case ValueType.Real32: return size >= 4 ? String(buf.readFloatLE(p)) : '';
    case ValueType.Real64: return size >= 8 ? String(buf.readDoubleLE(p)) : '';
    case ValueType.Bool: return size >= 1 ? (buf.readUIntLE(p, Math.min(size, 4)) !== 0 ? 'true' : 'false') : '';
    case ValueType.Guid: return size >= 16 ? formatGuid(buf, p) : '';
    case ValueType.FileTime: return size >= 8 ? formatFiletimeAt(buf, p) : '';
    case ValueType.SysTime: return size >= 16 ? formatSystemtime(buf, p) : '';
    case ValueType.HexInt32: return size >= 4 ? formatHex(buf.readUInt32LE(p)) : '';
    case ValueType.HexInt64: return size >= 8 ? formatHex64(buf, p) : '';
    case ValueType.SizeT:
      if (size >= 8) return formatHex64(buf, p);
      return size >= 4 ? formatHex(buf.readUInt32LE(p)) : '';
    default: return undefined;
  }
}

const WIDTH: Record<number, number> = {
  [ValueType.Int8]: 1, [ValueType.UInt8]: 1, [ValueType.Int16]: 2, [ValueType.UInt16]: 2, [ValueType.Int32]: 4,
  [ValueType.UInt32]: 4, [ValueType.Int64]: 8, [ValueType.UInt64]: 8, [ValueType.Real32]: 4, [ValueType.Real64]: 8,
  [ValueType.Bool]: 4, [ValueType.Guid]: 16, [ValueType.FileTime]: 8, [ValueType.SysTime]: 16,
  [ValueType.HexInt32]: 4, [ValueType.HexInt64]: 8,
};

function decodeArray(buf: Buffer, base: number, p: number, size: number): SubValue {
  if (base === ValueType.String || base === ValueType.AnsiString) {
    const s = base === ValueType.String ? utf16(buf, p, size) : buf.toString('latin1', p, p + size);
    const items = s.split('\0');
    if (items.length > 0 && items[items.length - 1] === '') items.pop();
    return { k: 'array', items };
  }
  if (base === ValueType.Sid) {
    const items: string[] = [];
    let q = p;
    const end = p + size;
    while (q + 8 <= end) {
      const n = buf[q + 1];
      const len = 8 + 4 * n;
      const sid = formatSid(buf, q, Math.min(len, end - q));
      if (sid === undefined) break;
      items.push(sid);
      q += len;
    }
    return { k: 'array', items };
  }
  let width = WIDTH[base];
  if (base === ValueType.SizeT) width = size % 8 === 0 ? 8 : 4;
  if (!width) return formatBinary(buf, p, size);
  const items: string[] = [];
  for (let q = p; q + width <= p + size; q += width) items.push(scalar(buf, base, q, width) ?? '');
  return { k: 'array', items };
}

/**
 * Decode the substitution value of `type` held at buf[p, p+size). Caller guarantees the range lies in buf.
 * Unknown types are rendered as hex so that nothing is silently lost.
 */
export function decodeValue(buf: Buffer, type: number, p: number, size: number, nested: NestedBinXmlParser): SubValue {
  if (type & ValueType.ArrayFlag) return decodeArray(buf, type & 0x7f, p, size);
  switch (type) {
    case ValueType.Null: return NULL_VALUE;
    case ValueType.String: return stripNuls(utf16(buf, p, size));
    case ValueType.AnsiString: return stripNuls(buf.toString('latin1', p, p + size));
    case ValueType.Binary: return formatBinary(buf, p, size);
    case ValueType.Sid: return formatSid(buf, p, size) ?? formatBinary(buf, p, size);
    case ValueType.BinXml: return size === 0 ? NULL_VALUE : nested(p, size);
    default: {
      const s = scalar(buf, type, p, size);
      return s ?? formatBinary(buf, p, size);
    }
  }
}
