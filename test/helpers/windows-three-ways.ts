import { join } from 'node:path';
import { readEvtx } from '../../collectors/evtx';
import type { EvtxRecord } from '../../collectors/evtx';
import { windowsEventDoc } from '../../collectors/windows-event/event-mapping';
import { parseRenderedXml } from '../../collectors/winevt/rendered-xml';
import { normaliseNdjsonLine } from '../../collectors/ndjson/ndjson';
import type { EventDoc } from '../../src/core/event';
import { EVTX_DATA } from './evtx-samples';
import { served } from './winevt-events';
import { childNamed, textOf, type XmlElement } from '../../collectors/windows-event/xml-tree';

/** `<EventData>`'s named values, as text (what Winlogbeat's event_data holds). */
function rawEventData(tree: XmlElement): Record<string, string> | undefined {
  const ed = childNamed(tree, 'EventData');
  if (!ed) return undefined;
  const out: Record<string, string> = {};
  for (const c of ed.children) if (typeof c !== 'string' && c.name === 'Data' && c.attrs.Name) out[c.attrs.Name] = textOf(c);
  return Object.keys(out).length > 0 ? out : undefined;
}

// One real Windows event read the three ways Vigil meets it: an .evtx record, the same event as the live
// collector gets it from wevtutil (RenderedXml, with the names Windows renders), and the same event as
// Winlogbeat writes it to a JSON file (raw winlog.*, Winlogbeat's JSON types), read as an NDJSON line.

export const CTX = { hostName: 'collector-host', ingested: '2026-03-01T10:00:00.000Z' };

/** The record of a sample .evtx file with this EventRecordID. */
export async function evtxRecord(file: string, recordId: string): Promise<EvtxRecord> {
  for await (const rec of readEvtx(join(EVTX_DATA, file))) {
    if (new RegExp(`<EventRecordID>${recordId}</EventRecordID>`).test(rec.xml())) return rec;
  }
  throw new Error(`${file} has no record ${recordId}`);
}

export interface Rendered { message: string; task: string; keywords: string[] }

export interface ThreeWays { evtx: EventDoc; rendered: EventDoc; ndjson: EventDoc }

const at = (xml: string, re: RegExp): string => (re.exec(xml) ?? [])[1] ?? '';

/** The event as Winlogbeat writes it (before any ingest pipeline): one JSON line. */
function winlogbeatLine(evtxDoc: EventDoc, tree: XmlElement, xml: string, r: Rendered): string {
  const w = evtxDoc.winlog as Record<string, any>;
  const eventData = rawEventData(tree); // as the event holds it, not as Vigil's enrichment left it
  const winlog: Record<string, unknown> = {
    api: 'wineventlog', channel: w.channel, computer_name: w.computer_name, event_id: String(w.event_id),
    keywords: r.keywords, opcode: 'Info', process: w.process, provider_guid: String(w.provider_guid).toUpperCase(),
    provider_name: w.provider_name, record_id: Number(w.record_id), task: r.task, version: w.version,
  };
  if (w.activity_id) winlog.activity_id = String(w.activity_id).toUpperCase();
  if (eventData) winlog.event_data = eventData;
  if (w.user_data) winlog.user_data = w.user_data;
  if (w.user) winlog.user = w.user;
  const line = {
    '@timestamp': at(xml, /SystemTime="([^"]*)"/),
    event: { action: r.task, code: String(w.event_id), created: '2026-03-01T09:59:59.000Z', kind: 'event', outcome: (evtxDoc.event as any).outcome, provider: w.provider_name },
    host: { name: w.computer_name },
    log: { level: 'information' },
    message: r.message,
    winlog,
  };
  return JSON.stringify(line);
}

/** The record `recordId` of `file` as an .evtx record, a RenderedXml record and a Winlogbeat NDJSON line, each mapped by Vigil. */
export async function threeWays(file: string, recordId: string, r: Rendered): Promise<ThreeWays> {
  const rec = await evtxRecord(file, recordId);
  const evtx = windowsEventDoc(rec.tree, CTX);
  const xml = rec.xml();
  const live = served(xml, Number(recordId), { message: r.message, keywords: r.keywords, task: r.task });
  const parsed = parseRenderedXml(live.xml);
  if (parsed.events.length !== 1) throw new Error('the stand-in RenderedXml did not parse');
  const rendered = windowsEventDoc(parsed.events[0], CTX);
  const line = winlogbeatLine(evtx, rec.tree, xml, r);
  const ndjson = normaliseNdjsonLine(Buffer.from(line), { ...CTX, path: '/logs/winlogbeat.ndjson', offset: 0, dataset: 'winlogbeat', truncated: false });
  return { evtx, rendered, ndjson };
}

/**
 * A document without what depends on how it was read, not on the event: when it was ingested or read
 * (event.ingested, event.created), the file it came from (log.file, log.offset, event.dataset: the
 * input's), Winlogbeat's own `winlog.api`, and (when `withMessage` is false) the rendered message,
 * which an .evtx file does not hold.
 */
export function comparable(doc: EventDoc, withMessage = true): EventDoc {
  const d = JSON.parse(JSON.stringify(doc)) as Record<string, any>;
  delete d.event.ingested;
  delete d.event.created;
  delete d.event.dataset;
  if (d.log) { delete d.log.file; delete d.log.offset; }
  delete d.winlog.api;
  if (!withMessage) delete d.message;
  // Line ends inside a value: an XML parser reads CR LF as LF (XML 1.0, 2.11), so a RenderedXml event
  // cannot keep the CR that the .evtx record and the Windows API have (4720's UserAccountControl).
  // Not the enrichment's doing; compared without the CR.
  if (d.winlog.event_data) {
    for (const [k, v] of Object.entries(d.winlog.event_data)) if (typeof v === 'string') d.winlog.event_data[k] = v.replace(/\r\n/g, '\n');
  }
  return d;
}
