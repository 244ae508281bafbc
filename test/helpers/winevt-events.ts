import { join } from 'node:path';
import { readEvtx } from '../../collectors/evtx';
import { EVTX_DATA } from './evtx-samples';

// Real Windows events for the winevt tests: records of ../shared/data/evtx decoded by Vigil's .evtx reader,
// then made to look like what wevtutil prints (RenderedXml).

/** The Event XML of every record of a real .evtx file, as Vigil's reader renders it. */
export async function evtxEvents(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const rec of readEvtx(join(EVTX_DATA, file))) out.push(rec.xml());
  return out;
}

const field = (xml: string, re: RegExp): string => (re.exec(xml) ?? [])[1] ?? '';

/** `s` escaped for XML text and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** An event as the wevtutil stand-in serves it, with the System fields the tests check. */
export interface ServedEvent { recordId: number; eventId: number; level: number; provider: string; systemTime: string; xml: string }

/**
 * A decoded event with a new record id (and time), in wevtutil's RenderedXml form: attributes in single
 * quotes and a RenderingInfo element with the message and the display names Windows adds.
 */
export function served(raw: string, recordId: number, opts: { message?: string; systemTime?: string; keywords?: string[]; task?: string } = {}): ServedEvent {
  let xml = raw.replace(/<EventRecordID>\d+<\/EventRecordID>/, `<EventRecordID>${recordId}</EventRecordID>`);
  const systemTime = opts.systemTime ?? field(xml, /SystemTime="([^"]*)"/);
  xml = xml.replace(/SystemTime="[^"]*"/, `SystemTime="${systemTime}"`);
  const eventId = Number(field(xml, /<EventID[^>]*>(\d+)</));
  const level = Number(field(xml, /<Level>(\d+)</));
  const provider = field(xml, /<Provider Name="([^"]*)"/);
  const channel = field(xml, /<Channel>([^<]*)</);
  const message = opts.message ?? `Event ${eventId} from ${provider}.`;
  const kw = (opts.keywords ?? []).map((k) => `<Keyword>${esc(k)}</Keyword>`).join('');
  const rendering = `<RenderingInfo Culture="en-US"><Message>${esc(message)}</Message><Level>Information</Level>` +
    `<Task>${esc(opts.task ?? '')}</Task><Opcode>Info</Opcode><Channel>${esc(channel)}</Channel><Provider>${esc(provider)}</Provider>` +
    `<Keywords>${kw}</Keywords></RenderingInfo>`;
  xml = xml.replace(/<\/Event>$/, `${rendering}</Event>`);
  // the reader writes attributes in double quotes (a quote inside is &quot;); wevtutil uses single quotes
  xml = xml.replace(/(<[^<>]*>)/g, (tag) => tag.replace(/="([^"]*)"/g, (_m, v: string) => `='${v.replace(/&quot;/g, '"').replace(/'/g, '&apos;')}'`));
  return { recordId, eventId, level, provider, systemTime, xml };
}

/** The events of `list` with the event id `id`. */
export const byId = (list: string[], id: number): string[] => list.filter((x) => new RegExp(`<EventID[^>]*>${id}<`).test(x));
