import { XMLParser } from 'fast-xml-parser';
import type { XmlElement, XmlNode } from '../windows-event/xml-tree';

/**
 * `wevtutil qe … /f:RenderedXml` output → event trees. The output is a sequence of
 * `<Event xmlns=…>…</Event>` elements with no root element (one per line, or run together), in UTF-8
 * or, with `/uni:true`, UTF-16LE, possibly with a byte order mark. Each event is cut out and parsed on
 * its own, so an event cut short at the end (a killed process) or a malformed one costs only itself.
 */
export interface RenderedXmlResult {
  events: XmlElement[];
  /** events that could not be parsed (malformed), and whether the output ended inside an event */
  malformed: number;
  truncated: boolean;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

type OrderedNode = Record<string, unknown>;

/** Bytes from wevtutil → text: UTF-16LE when it has that BOM or looks like it (NULs at odd offsets), else UTF-8. */
export function decodeOutput(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[3] === 0) return buf.toString('utf16le');
  return buf.toString('utf8');
}

function toElement(node: OrderedNode): XmlElement | string | null {
  if ('#text' in node) return String(node['#text']);
  let name: string | null = null;
  for (const k of Object.keys(node)) if (k !== ':@') { name = k; break; }
  if (name === null || name.startsWith('?') || name === '#comment') return null;
  const attrs: Record<string, string> = {};
  const rawAttrs = node[':@'] as Record<string, unknown> | undefined;
  if (rawAttrs) for (const [k, v] of Object.entries(rawAttrs)) if (k !== 'xmlns' && !k.startsWith('xmlns:')) attrs[k] = String(v);
  const children: XmlNode[] = [];
  const raw = node[name];
  if (Array.isArray(raw)) {
    for (const c of raw as OrderedNode[]) {
      const e = toElement(c);
      if (e !== null) children.push(e);
    }
  }
  // formatting whitespace between elements is not content
  if (children.some((c) => typeof c !== 'string')) {
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (typeof c === 'string' && c.trim() === '') children.splice(i, 1);
    }
  }
  return { name, attrs, children };
}

/** One `<Event>…</Event>` text → its tree; throws on malformed XML. */
export function parseEventXml(xml: string): XmlElement {
  const parsed = parser.parse(xml, true) as OrderedNode[];
  for (const n of parsed) {
    const e = toElement(n);
    if (e && typeof e !== 'string') return e;
  }
  throw new Error('no element in event XML');
}

const EVENT_START = /<Event[\s>]/g;
const EVENT_END = '</Event>';

/** All complete events of a RenderedXml output (text or the raw bytes). */
export function parseRenderedXml(output: string | Buffer): RenderedXmlResult {
  const text = typeof output === 'string' ? output.replace(/^\uFEFF/, '') : decodeOutput(output);
  const events: XmlElement[] = [];
  let malformed = 0;
  let truncated = false;
  EVENT_START.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EVENT_START.exec(text)) !== null) {
    const start = m.index;
    const end = text.indexOf(EVENT_END, start);
    if (end < 0) { truncated = true; break; }
    const chunk = text.slice(start, end + EVENT_END.length);
    EVENT_START.lastIndex = end + EVENT_END.length;
    try {
      events.push(parseEventXml(chunk));
    } catch {
      malformed++;
    }
  }
  return { events, malformed, truncated };
}
