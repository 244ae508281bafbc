import type { EventDoc } from '../../src/core/event';
import { windowsEventId } from '../../src/core/event';
import { childNamed, textOf, type XmlElement } from './xml-tree';
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

function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s.trim());
  return Number.isFinite(n) ? n : undefined;
}

function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined || value === '') return;
  obj[key] = value;
}

/** Texts of the element's children named `name` (the `<Keyword>`s of RenderingInfo/Keywords). */
function childTexts(el: XmlElement | undefined, name: string): string[] {
  const out: string[] = [];
  if (!el) return out;
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) out.push(textOf(c));
  return out;
}

/** A UserData (or nested) element as an object: leaves are their text, repeated names become arrays. */
function elementObject(el: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(el.attrs)) if (k !== 'xmlns' && !k.startsWith('xmlns:')) out[k] = v;
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const hasElements = c.children.some((x) => typeof x !== 'string');
    const value: unknown = hasElements || Object.keys(c.attrs).some((k) => k !== 'xmlns') ? elementObject(c) : textOf(c);
    if (c.name in out) {
      const prev = out[c.name];
      out[c.name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else out[c.name] = value;
  }
  if (Object.keys(out).length === 0 && textOf(el) !== '') return { value: textOf(el) };
  return out;
}

/** `<EventData>`: named `<Data Name="…">` by name, unnamed ones as param1, param2… (as Winlogbeat does); `<Binary>` as `Binary`. */
function eventData(ed: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  let unnamed = 0;
  for (const c of ed.children) {
    if (typeof c === 'string') continue;
    if (c.name === 'Data') {
      const name = c.attrs.Name;
      if (name) out[name] = textOf(c);
      else {
        unnamed++;
        const t = textOf(c);
        if (t !== '') out[`param${unnamed}`] = t;
      }
    } else if (c.name === 'Binary') {
      const t = textOf(c);
      if (t !== '') out.Binary = t;
    }
  }
  return out;
}

/** The Winlogbeat-shaped document of one `<Event>` element. */
export function windowsEventDoc(event: XmlElement, ctx: WindowsMappingContext): EventDoc {
  const sys = childNamed(event, 'System');
  const ri = childNamed(event, 'RenderingInfo');
  const sysText = (name: string): string | undefined => {
    const el = sys && childNamed(sys, name);
    return el ? textOf(el).trim() : undefined;
  };
  const riText = (name: string): string | undefined => {
    const el = ri && childNamed(ri, name);
    const t = el ? textOf(el).trim() : '';
    return t === '' ? undefined : t;
  };
  const provider = sys && childNamed(sys, 'Provider');
  const providerName = provider?.attrs.Name || provider?.attrs.EventSourceName || undefined;
  const channel = sysText('Channel') ?? '';
  const eventIdText = sysText('EventID');
  const eventId = num(eventIdText);
  const computer = sysText('Computer') ?? '';
  const execution = sys && childNamed(sys, 'Execution');
  const correlation = sys && childNamed(sys, 'Correlation');
  const security = sys && childNamed(sys, 'Security');
  const timeCreated = sys && childNamed(sys, 'TimeCreated');
  const levelText = sysText('Level');

  const winlog: Record<string, unknown> = {};
  put(winlog, 'channel', channel);
  put(winlog, 'provider_name', providerName);
  // GUIDs in lower case, as Winlogbeat writes them: Windows renders them in upper case, some exporters in lower
  put(winlog, 'provider_guid', provider?.attrs.Guid?.toLowerCase());
  put(winlog, 'event_id', eventId);
  put(winlog, 'record_id', sysText('EventRecordID'));
  put(winlog, 'computer_name', computer);
  const pid = num(execution?.attrs.ProcessID);
  const tid = num(execution?.attrs.ThreadID);
  if (pid !== undefined || tid !== undefined) {
    const proc: Record<string, unknown> = {};
    put(proc, 'pid', pid);
    if (tid !== undefined) proc.thread = { id: tid };
    winlog.process = proc;
  }
  const keywordNames = childTexts(ri && childNamed(ri, 'Keywords'), 'Keyword').filter((k) => k !== '');
  const keywordsHex = sysText('Keywords');
  if (keywordNames.length > 0) winlog.keywords = keywordNames;
  else if (keywordsHex) winlog.keywords = [keywordsHex];
  put(winlog, 'opcode', riText('Opcode') ?? sysText('Opcode'));
  put(winlog, 'task', riText('Task') ?? sysText('Task'));
  put(winlog, 'version', num(sysText('Version')));
  put(winlog, 'activity_id', correlation?.attrs.ActivityID?.toLowerCase());
  put(winlog, 'related_activity_id', correlation?.attrs.RelatedActivityID?.toLowerCase());
  if (security?.attrs.UserID) winlog.user = { identifier: security.attrs.UserID };
  const ed = childNamed(event, 'EventData');
  if (ed) {
    const data = eventData(ed);
    if (Object.keys(data).length > 0) winlog.event_data = data;
  }
  const ud = childNamed(event, 'UserData');
  if (ud) {
    const root = ud.children.find((c): c is XmlElement => typeof c !== 'string');
    if (root) winlog.user_data = { xml_name: root.name, ...elementObject(root) };
  }

  const ev: Record<string, unknown> = { kind: 'event' };
  put(ev, 'code', eventIdText);
  put(ev, 'provider', providerName);
  put(ev, 'action', riText('Task'));
  const outcome = auditOutcome(keywordNames, keywordsHex);
  put(ev, 'outcome', outcome);
  put(ev, 'created', ctx.created);
  ev.dataset = ctx.dataset ?? defaultDataset(channel);
  ev.ingested = ctx.ingested;

  const doc: EventDoc = {
    '@timestamp': windowsTimestamp(timeCreated?.attrs.SystemTime) ?? ctx.ingested,
  };
  const message = riText('Message');
  if (message !== undefined) doc.message = message;
  const level = levelText !== undefined ? (LEVEL_NAMES[levelText] ?? riText('Level')?.toLowerCase()) : riText('Level')?.toLowerCase();
  if (level) doc.log = { level };
  doc.event = ev;
  doc.host = { name: computer || ctx.hostName };
  doc.agent = { type: 'vigil' };
  doc.winlog = winlog;
  return enrichWindowsEvent(doc, { timeCreated: timeCreated?.attrs.SystemTime });
}

/** Security audit keywords: bit 0x20000000000000 Audit Success, 0x10000000000000 Audit Failure (as Winlogbeat sets event.outcome). */
function auditOutcome(names: string[], hex: string | undefined): string | undefined {
  if (names.includes('Audit Success')) return 'success';
  if (names.includes('Audit Failure')) return 'failure';
  if (!hex || !/^0x[0-9a-f]+$/i.test(hex)) return undefined;
  const v = BigInt(hex);
  if (v & 0x20000000000000n) return 'success';
  if (v & 0x10000000000000n) return 'failure';
  return undefined;
}

/** The deterministic document id of a mapped Windows event: hash(computer, channel, record id, time created). */
export function windowsDocId(doc: EventDoc): string {
  const w = (doc.winlog ?? {}) as Record<string, unknown>;
  return windowsEventId(String(w.computer_name ?? ''), String(w.channel ?? ''), String(w.record_id ?? ''), String(doc['@timestamp'] ?? ''));
}
