import { isIP } from 'node:net';
import type { EventDoc } from '../../../../src/core/event';
import { appendUnique, setField } from '../shared/doc-fields';
import { integerOf, type EventData } from '../shared/event-data';
import { communityId } from './community-id';

/**
 * `source.*`, `destination.*` and `network.*` from a Sysmon network connection (event 3) and the
 * protocol of a DNS query (22), as Winlogbeat's sysmon module maps them. Addresses that are not IP
 * addresses are left out (the ECS fields are of type ip); the addresses go to `related.ip`.
 */
export function addSysmonNetwork(doc: EventDoc, ed: EventData, code: string): void {
  setField(doc, 'network.transport', ed.Protocol);
  if (code === '22') setField(doc, 'network.protocol', 'dns');
  else setField(doc, 'network.protocol', ed.SourcePortName ?? ed.DestinationPortName);
  const sip = ed.SourceIp !== undefined && isIP(ed.SourceIp) ? ed.SourceIp : undefined;
  const dip = ed.DestinationIp !== undefined && isIP(ed.DestinationIp) ? ed.DestinationIp : undefined;
  setField(doc, 'source.ip', sip);
  setField(doc, 'source.domain', ed.SourceHostname);
  setField(doc, 'source.port', integerOf(ed.SourcePort));
  setField(doc, 'destination.ip', dip);
  setField(doc, 'destination.domain', ed.DestinationHostname);
  setField(doc, 'destination.port', integerOf(ed.DestinationPort));
  if (ed.Initiated === 'true') setField(doc, 'network.direction', 'egress');
  else if (ed.Initiated === 'false') setField(doc, 'network.direction', 'ingress');
  if (ed.SourceIsIpv6 === 'false') setField(doc, 'network.type', 'ipv4');
  else if (ed.SourceIsIpv6 === 'true') setField(doc, 'network.type', 'ipv6');
  const cid = communityId(sip, integerOf(ed.SourcePort), dip, integerOf(ed.DestinationPort), ed.Protocol);
  setField(doc, 'network.community_id', cid);
  appendUnique(doc, 'related.ip', sip);
  appendUnique(doc, 'related.ip', dip);
}
