/**
 * IP addresses as Elasticsearch's `ip` field indexes them: IPv4 and IPv6 in one space of 128-bit
 * numbers, an IPv4 address as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so `10.0.0.1` and
 * `::ffff:10.0.0.1` are the same value. A query value may be an address or a CIDR block.
 */

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const V4_MAPPED_BASE = 0xffffn << 32n;

function v4(s: string): bigint | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255 || (m[i].length > 1 && m[i][0] === '0')) return undefined;
    n = (n << 8n) | BigInt(octet);
  }
  return n;
}

function v6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i];
      if (i === items.length - 1 && g.includes('.')) {
        const n = v4(g);
        if (n === undefined) return undefined;
        out.push(Number(n >> 16n), Number(n & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let n = 0n;
  for (const g of [...head, ...new Array<number>(missing).fill(0), ...tail]) n = (n << 16n) | BigInt(g);
  return n;
}

/** The address as a 128-bit number, or undefined when it is not an IP address. */
export function ipValue(s: string): bigint | undefined {
  const four = v4(s);
  if (four !== undefined) return V4_MAPPED_BASE | four;
  return s.includes(':') ? v6(s) : undefined;
}

/** The addresses an `ip` field value matches: one address, or a CIDR block (host bits ignored). */
export function ipSpan(s: string): { from: bigint; to: bigint } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) {
    const n = ipValue(s);
    return n === undefined ? undefined : { from: n, to: n };
  }
  const addr = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const isV4 = v4(addr) !== undefined;
  const n = ipValue(addr);
  const bits = Number(bitsText) + (isV4 ? 96 : 0);
  if (n === undefined || bits > 128 || (isV4 && Number(bitsText) > 32)) return undefined;
  const hostMask = (1n << BigInt(128 - bits)) - 1n;
  return { from: n & ~hostMask, to: n | hostMask };
}

/** A document value as an `ip` field indexes it (strings only; anything else is malformed and dropped). */
export function ipOf(v: unknown): bigint | undefined {
  return typeof v === 'string' ? ipValue(v) : undefined;
}
