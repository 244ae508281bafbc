import { isIP } from 'node:net';
import type { EventDoc } from '../../../../src/core/event';
import { appendAllUnique, appendUnique, setField } from '../shared/doc-fields';
import type { EventData } from '../shared/event-data';
import { DNS_QUERY_STATUS, DNS_RECORD_TYPES } from './dns-names';

/**
 * `dns.*` from a Sysmon DNS query (event 22), as Winlogbeat's sysmon module maps it: `QueryName` →
 * `dns.question.name` (and `related.hosts`); `QueryResults`, a `;`-separated list where `type:  N name`
 * is a record without an address and anything else an address, → `dns.answers` (`{type, data}`),
 * `dns.resolved_ip` (IPv4-mapped IPv6 addresses written as IPv4; what is not an address is left out)
 * and `related.ip`/`related.hosts`; `QueryStatus` → `sysmon.dns.status` by name.
 */
interface Answer { type?: string; data?: string }

function unmapV4(s: string): string {
  const m = /^\[?::ffff:(\d+\.\d+\.\d+\.\d+)(?:\](?::\d+)?)?$/i.exec(s);
  return m ? m[1] : s;
}

export function parseQueryResults(text: string): { answers: Answer[]; ips: string[]; hosts: string[] } {
  const answers: Answer[] = [];
  const ips: string[] = [];
  const hosts: string[] = [];
  for (const raw of text.split(';')) {
    const item = raw.trim();
    if (item === '') continue;
    if (item.startsWith('type:')) {
      const parts = item.split(/\s+/);
      const type = parts[1] !== undefined ? DNS_RECORD_TYPES[parts[1]] ?? parts[1] : undefined;
      if (parts.length >= 3) { answers.push({ type, data: unmapV4(parts[2]) }); hosts.push(parts[2]); }
      else answers.push({ type });
    } else {
      const ip = unmapV4(item);
      if (isIP(ip)) ips.push(ip);
    }
  }
  for (const ip of ips) answers.push({ type: ip.includes(':') ? 'AAAA' : 'A', data: ip });
  return { answers, ips, hosts };
}

export function addSysmonDns(doc: EventDoc, ed: EventData): void {
  setField(doc, 'dns.question.name', ed.QueryName);
  if (ed.QueryResults !== undefined) {
    const { answers, ips, hosts } = parseQueryResults(ed.QueryResults);
    if (answers.length > 0) setField(doc, 'dns.answers', answers);
    if (ips.length > 0) setField(doc, 'dns.resolved_ip', ips);
    appendAllUnique(doc, 'related.hosts', hosts);
    appendAllUnique(doc, 'related.ip', ips);
  }
  appendUnique(doc, 'related.hosts', ed.QueryName);
  if (ed.QueryStatus !== undefined) setField(doc, 'sysmon.dns.status', DNS_QUERY_STATUS[ed.QueryStatus.trim()] ?? ed.QueryStatus);
}
