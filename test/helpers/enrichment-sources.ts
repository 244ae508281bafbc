import { join } from 'node:path';
import { readEvtx } from '../../collectors/evtx';
import { windowsEventDoc } from '../../collectors/windows-event/event-mapping';
import { normaliseNdjsonLine } from '../../collectors/ndjson/ndjson';
import { parseEventXml } from '../../collectors/winevt/rendered-xml';
import type { EventDoc } from '../../src/core/event';
import { EVTX_DATA } from './evtx-samples';
import { served } from './winevt-events';

// One real Windows event three ways, for the enrichment tests: as an .evtx record, as the RenderedXml
// wevtutil prints for it, and as the NDJSON line Winlogbeat (without its ingest pipelines) writes for it.

export const CTX = { hostName: 'collector-host', ingested: '2024-05-01T10:00:00.000Z' };

export interface SampleEvent { xml: string; doc: EventDoc }

/** The records of an .evtx file of ../shared/data/evtx with the given record ids, mapped (and so enriched). */
export async function evtxRecords(file: string, recordIds: string[]): Promise<Map<string, SampleEvent>> {
  const want = new Set(recordIds);
  const out = new Map<string, SampleEvent>();
  for await (const rec of readEvtx(join(EVTX_DATA, file))) {
    const doc = windowsEventDoc(rec.tree, CTX);
    const id = String((doc.winlog as Record<string, unknown>).record_id);
    if (want.has(id)) out.set(id, { xml: rec.xml(), doc });
    if (out.size === want.size) break;
  }
  for (const id of recordIds) if (!out.has(id)) throw new Error(`${file}: no record ${id}`);
  return out;
}

/**
 * The same event as wevtutil's RenderedXml (its record id kept), mapped by the live collector's mapping.
 * A carriage return in a value is written as a character reference here: raw in XML text, an XML parser
 * must turn CR LF into LF (the reader's `xml()` writes it raw; whether wevtutil does is not known here).
 */
export function renderedXmlDoc(sample: SampleEvent): EventDoc {
  const recordId = Number((sample.doc.winlog as Record<string, unknown>).record_id);
  return windowsEventDoc(parseEventXml(served(sample.xml.replace(/\r/g, '&#13;'), recordId).xml), CTX);
}

/**
 * The same event as a Winlogbeat-shaped NDJSON line (Winlogbeat writes `event_id` as a string, adds
 * `winlog.api`, and none of the module fields), normalised by the NDJSON collector.
 */
export function winlogbeatLineDoc(sample: SampleEvent): EventDoc {
  const w = sample.doc.winlog as Record<string, unknown>;
  const line = {
    '@timestamp': sample.doc['@timestamp'],
    message: sample.doc.message,
    log: sample.doc.log,
    event: { code: String(w.event_id), kind: 'event', provider: w.provider_name, created: '2024-05-01T10:00:01.000Z' },
    host: { name: w.computer_name },
    winlog: { ...w, event_id: String(w.event_id), api: 'wineventlog' },
  };
  return normaliseNdjsonLine(Buffer.from(JSON.stringify(line)), { ...CTX, path: '/var/log/winlogbeat.ndjson', offset: 0, dataset: 'winlog', truncated: false });
}

/** The fields the enrichment modules add (the rest of a document depends on the source: log.file, event.created, …). */
export const ENRICHED_PATHS = [
  'process', 'file', 'registry', 'dns', 'source', 'destination', 'network', 'related', 'user', 'rule', 'sysmon',
  'powershell', 'error', 'event.category', 'event.type', 'event.action', 'event.module', 'event.outcome', 'event.sequence',
];

export function enrichedPart(doc: EventDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of ENRICHED_PATHS) {
    let v: unknown = doc;
    for (const k of p.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (v !== undefined) out[p] = v;
  }
  return out;
}
