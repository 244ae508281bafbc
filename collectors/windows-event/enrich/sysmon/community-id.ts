import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The Community ID (version 1, seed 0) of a TCP, UDP or SCTP flow: `1:` + base64 of the SHA-1 of
 * seed (2 bytes), the two addresses, the protocol number, a zero byte and the two ports, the endpoint
 * that sorts lower first, as the public Community ID specification defines it (Winlogbeat sets
 * `network.community_id` for Sysmon network connections). Undefined when a part is missing.
 */
const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, sctp: 132 };

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map((x) => Number(x));
}

function ipv6Bytes(ip: string): number[] | undefined {
  let text = ip;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...rest].map((g) => parseInt(g, 16));
  const out: number[] = [];
  for (const g of groups) out.push(g >> 8, g & 0xff);
  if (tail.length === 4) out.splice(12, 4, ...tail);
  return out;
}

function addressBytes(ip: string): number[] | undefined {
  if (isIPv4(ip)) return ipv4Bytes(ip);
  if (isIPv6(ip)) return ipv6Bytes(ip);
  return undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function communityId(srcIp?: string, srcPort?: number, dstIp?: string, dstPort?: number, transport?: string): string | undefined {
  const proto = transport === undefined ? undefined : PROTOCOLS[transport.toLowerCase()];
  if (proto === undefined || !srcIp || !dstIp || srcPort === undefined || dstPort === undefined) return undefined;
  let a = addressBytes(srcIp);
  let b = addressBytes(dstIp);
  if (!a || !b || a.length !== b.length) return undefined;
  let pa = srcPort, pb = dstPort;
  const c = compare(a, b);
  if (c > 0 || (c === 0 && pa > pb)) { [a, b] = [b, a]; [pa, pb] = [pb, pa]; }
  const buf = Buffer.from([0, 0, ...a, ...b, proto, 0, pa >> 8, pa & 0xff, pb >> 8, pb & 0xff]);
  return `1:${createHash('sha1').update(buf).digest('base64')}`;
}
