import type { EventDoc } from '../../src/core/event';
import { windowsEventId } from '../../src/core/event';
import type { XmlElement } from './xml-tree';
import { eventFieldsOf, type WindowsEventFields } from './event-fields';
import { enrichWindowsEvent } from './enrich';

/**
 * One Windows event (an `<Event>` element tree, from `wevtutil`'s RenderedXml or from an .evtx file)
 * → the normalised document, with the field names Winlogbeat uses (SPEC section 2), enriched as
 * Winlogbeat's modules enrich it (./enrich). Shared by the live collector and the .evtx reader so that an
 * event gives the same document either way.
 */
export interface WindowsMappingContext {
  hostName: string;
  /** event.ingested (ISO 8601) */
  ingested: string;
  /** event.dataset; default `winlog.<channel in lower case, non-alphanumerics as _>` */
  dataset?: string;
  /** event.created: when the collector read the event (ISO 8601); left out when not given */
  created?: string;
}

const LEVEL_NAMES: Record<string, string> = {
  '0': 'information', '1': 'critical', '2': 'error', '3': 'warning', '4': 'information', '5': 'verbose',
};

/** `winlog.` + the channel as a data stream dataset may spell it: `Microsoft-Windows-Sysmon/Operational` → `winlog.microsoft_windows_sysmon_operational`. */
export function defaultDataset(channel: string): string {
  const c = channel.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `winlog.${c || 'unknown'}`;
}

/**
 * `TimeCreated/@SystemTime` → ISO 8601 UTC with milliseconds. Windows writes
 * `2016-07-08T18:12:51.681641200Z`; dumps of .evtx files often `2016-07-08 18:12:51.681641`.
 * Fractions are truncated (never rounded up into the next second). Undefined when unreadable.
 */
export function windowsTimestamp(systemTime: string | undefined): string | undefined {
  if (!systemTime) return undefined;
  const fast = canonicalTimestamp(systemTime);
  if (fast !== undefined) return fast;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(systemTime.trim());
  if (!m) {
    const t = Date.parse(systemTime);
    return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
  }
  const ms = ((m[3] ?? '') + '000').slice(0, 3);
  const zone = !m[4] || m[4] === 'Z' ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4];
  const t = Date.parse(`${m[1]}T${m[2]}.${ms}${zone}`);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The usual case without a regex or a Date: `YYYY-MM-DDTHH:MM:SS.<digits>Z` (as the .evtx reader and
 * Windows write it) naming a real date and time, the fraction truncated to milliseconds. Undefined
 * otherwise (the full parse decides, and rolls a day past the month's end over as Date.parse does).
 */
function canonicalTimestamp(s: string): string | undefined {
  const n = s.length;
  if (n < 22 || s.charCodeAt(19) !== 46 /* . */ || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  const hour = digits(s, 11, 13);
  const minute = digits(s, 14, 16);
  const second = digits(s, 17, 19);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || digits(s, 20, n - 1) < 0) return undefined;
  return n >= 24 ? `${s.slice(0, 23)}Z` : `${s.slice(0, n - 1)}${'000'.slice(n - 21)}Z`;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s.trim());
  return Number.isFinite(n) ? n : undefined;
}

function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined || value === '') return;
  obj[key] = value;
}

/** `defaultDataset` of the channels met (a few per file). */
const datasets = new Map<string, string>();

function datasetOf(channel: string): string {
  let d = datasets.get(channel);
  if (d === undefined) {
    if (datasets.size >= 1024) datasets.clear();
    d = defaultDataset(channel);
    datasets.set(channel, d);
  }
  return d;
}

/** The Winlogbeat-shaped document of one `<Event>` element. */
export function windowsEventDoc(event: XmlElement, ctx: WindowsMappingContext): EventDoc {
  return eventFieldsDoc(eventFieldsOf(event), ctx);
}

/**
 * The Winlogbeat-shaped document of an event's fields, however they were read: from an element tree
 * (`eventFieldsOf`) or straight from an .evtx record's template values.
 */
export function eventFieldsDoc(f: WindowsEventFields, ctx: WindowsMappingContext): EventDoc {
  const ri = f.rendering;
  const providerName = f.providerName || f.eventSourceName || undefined;
  const channel = f.channel;
  const eventId = num(f.eventId);

  const winlog: Record<string, unknown> = {};
  put(winlog, 'channel', channel);
  put(winlog, 'provider_name', providerName);
  // GUIDs in lower case, as Winlogbeat writes them: Windows renders them in upper case, some exporters in lower
  put(winlog, 'provider_guid', f.providerGuid.toLowerCase());
  put(winlog, 'event_id', eventId);
  put(winlog, 'record_id', f.recordId);
  put(winlog, 'computer_name', f.computer);
  const pid = num(f.processId);
  const tid = num(f.threadId);
  if (pid !== undefined || tid !== undefined) {
    const proc: Record<string, unknown> = {};
    put(proc, 'pid', pid);
    if (tid !== undefined) proc.thread = { id: tid };
    winlog.process = proc;
  }
  const keywordNames = ri ? ri.keywords : NO_NAMES;
  const keywordsHex = f.keywords;
  if (keywordNames.length > 0) winlog.keywords = keywordNames;
  else if (keywordsHex) winlog.keywords = [keywordsHex];
  put(winlog, 'opcode', ri?.opcode ?? f.opcode);
  put(winlog, 'task', ri?.task ?? f.task);
  put(winlog, 'version', num(f.version));
  put(winlog, 'activity_id', f.activityId.toLowerCase());
  put(winlog, 'related_activity_id', f.relatedActivityId.toLowerCase());
  if (f.userId) winlog.user = { identifier: f.userId };
  if (f.eventData) winlog.event_data = f.eventData;
  if (f.userData) winlog.user_data = f.userData;

  const ev: Record<string, unknown> = { kind: 'event' };
  put(ev, 'code', f.eventId);
  put(ev, 'provider', providerName);
  put(ev, 'action', ri?.task);
  const outcome = auditOutcome(keywordNames, keywordsHex);
  put(ev, 'outcome', outcome);
  put(ev, 'created', ctx.created);
  ev.dataset = ctx.dataset ?? datasetOf(channel);
  ev.ingested = ctx.ingested;

  const doc: EventDoc = {
    '@timestamp': windowsTimestamp(f.systemTime) ?? ctx.ingested,
  };
  if (ri?.message !== undefined) doc.message = ri.message;
  const level = LEVEL_NAMES[f.level] ?? ri?.level?.toLowerCase();
  if (level) doc.log = { level };
  doc.event = ev;
  doc.host = { name: f.computer || ctx.hostName };
  doc.agent = { type: 'vigil' };
  doc.winlog = winlog;
  return enrichWindowsEvent(doc, { timeCreated: f.systemTime || undefined });
}

const NO_NAMES: string[] = [];

/** Security audit keywords: bit 0x20000000000000 Audit Success, 0x10000000000000 Audit Failure (as Winlogbeat sets event.outcome). */
function auditOutcome(names: string[], hex: string | undefined): string | undefined {
  if (names.includes('Audit Success')) return 'success';
  if (names.includes('Audit Failure')) return 'failure';
  if (!hex) return undefined;
  let o = outcomes.get(hex);
  if (o === undefined) {
    o = hexOutcome(hex);
    if (outcomes.size >= 1024) outcomes.clear();
    outcomes.set(hex, o);
  }
  return o === '' ? undefined : o;
}

/** The outcome of each keyword mask met ('' for none): a file holds a few. */
const outcomes = new Map<string, string>();

function hexOutcome(hex: string): string {
  if (!/^0x[0-9a-f]+$/i.test(hex)) return '';
  const v = BigInt(hex);
  if (v & 0x20000000000000n) return 'success';
  if (v & 0x10000000000000n) return 'failure';
  return '';
}

/** The deterministic document id of a mapped Windows event: hash(computer, channel, record id, time created). */
export function windowsDocId(doc: EventDoc): string {
  const w = (doc.winlog ?? {}) as Record<string, unknown>;
  return windowsEventId(String(w.computer_name ?? ''), String(w.channel ?? ''), String(w.record_id ?? ''), String(doc['@timestamp'] ?? ''));
}
