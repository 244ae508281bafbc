import { childNamed, textOf, type XmlElement } from './xml-tree';

/**
 * What the Windows-event mapping (event-mapping.ts) reads of an event, whichever way it was read: the
 * `<System>` values (element texts trimmed, attributes as written; '' when absent, which the mapping
 * treats as absent), `<EventData>` by name, `<UserData>` as an object, and what a rendered event's
 * `<RenderingInfo>` adds. `eventFieldsOf` reads them off an element tree (RenderedXml, or an .evtx
 * record whose template the direct reader does not take); the .evtx reader fills them straight from a
 * record's template values (collectors/evtx/format/record-fields.ts). Either way the same document follows.
 */
export interface WindowsEventFields {
  providerName: string;
  eventSourceName: string;
  providerGuid: string;
  eventId: string;
  version: string;
  level: string;
  task: string;
  opcode: string;
  keywords: string;
  systemTime: string;
  recordId: string;
  activityId: string;
  relatedActivityId: string;
  processId: string;
  threadId: string;
  channel: string;
  computer: string;
  userId: string;
  /** `<Data Name="…">` by name, unnamed ones as param1…, `<Binary>`; undefined when there is none */
  eventData?: Record<string, string>;
  /** `{ xml_name, …}` of `<UserData>`'s first element */
  userData?: Record<string, unknown>;
  /** RenderingInfo (RenderedXml only): texts, undefined when empty */
  rendering?: { message?: string; level?: string; task?: string; opcode?: string; keywords: string[] };
}

/** The fields of one `<Event>` element tree. */
export function eventFieldsOf(event: XmlElement): WindowsEventFields {
  const sys = childNamed(event, 'System');
  const s = sys ? systemElements(sys) : NO_SYSTEM;
  const text = (el: XmlElement | undefined): string => (el ? textOf(el).trim() : '');
  const attr = (el: XmlElement | undefined, name: string): string => el?.attrs[name] ?? '';
  const f: WindowsEventFields = {
    providerName: attr(s.Provider, 'Name'), eventSourceName: attr(s.Provider, 'EventSourceName'), providerGuid: attr(s.Provider, 'Guid'),
    eventId: text(s.EventID), version: text(s.Version), level: text(s.Level), task: text(s.Task), opcode: text(s.Opcode),
    keywords: text(s.Keywords), systemTime: attr(s.TimeCreated, 'SystemTime'), recordId: text(s.EventRecordID),
    activityId: attr(s.Correlation, 'ActivityID'), relatedActivityId: attr(s.Correlation, 'RelatedActivityID'),
    processId: attr(s.Execution, 'ProcessID'), threadId: attr(s.Execution, 'ThreadID'), channel: text(s.Channel),
    computer: text(s.Computer), userId: attr(s.Security, 'UserID'),
  };
  const ed = childNamed(event, 'EventData');
  if (ed) {
    const data = eventDataOf(ed);
    if (Object.keys(data).length > 0) f.eventData = data;
  }
  const ud = childNamed(event, 'UserData');
  if (ud) {
    const root = ud.children.find((c): c is XmlElement => typeof c !== 'string');
    if (root) f.userData = { xml_name: root.name, ...elementObject(root) };
  }
  const ri = childNamed(event, 'RenderingInfo');
  if (ri) {
    const riText = (name: string): string | undefined => {
      const t = text(childNamed(ri, name));
      return t === '' ? undefined : t;
    };
    f.rendering = {
      message: riText('Message'), level: riText('Level'), task: riText('Task'), opcode: riText('Opcode'),
      keywords: childTexts(childNamed(ri, 'Keywords'), 'Keyword').filter((k) => k !== ''),
    };
  }
  return f;
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
export function eventDataOf(ed: XmlElement): Record<string, string> {
  const data = new EventDataGatherer();
  for (const c of ed.children) {
    if (typeof c === 'string') continue;
    if (c.name === 'Data') data.data(c.attrs.Name, textOf(c));
    else if (c.name === 'Binary') data.binary(textOf(c));
  }
  return data.out;
}

/**
 * `<EventData>` gathered child by child: a named `Data` by its name, unnamed ones as param1, param2…
 * (as Winlogbeat does; an empty one is counted but not kept), `Binary` when not empty. What `eventDataOf`
 * does with a tree, and the .evtx reader with a template's values.
 */
export class EventDataGatherer {
  readonly out: Record<string, string> = {};
  private unnamed = 0;

  data(name: string | undefined, text: string): void {
    if (name) this.out[name] = text;
    else {
      this.unnamed++;
      if (text !== '') this.out[`param${this.unnamed}`] = text;
    }
  }

  binary(text: string): void {
    if (text !== '') this.out.Binary = text;
  }
}

/** The children of `<System>` the mapping reads: the first of each name, found in one pass. */
interface SystemElements {
  Provider?: XmlElement; EventID?: XmlElement; Version?: XmlElement; Level?: XmlElement; Task?: XmlElement; Opcode?: XmlElement;
  Keywords?: XmlElement; TimeCreated?: XmlElement; EventRecordID?: XmlElement; Correlation?: XmlElement; Execution?: XmlElement;
  Channel?: XmlElement; Computer?: XmlElement; Security?: XmlElement;
}

const NO_SYSTEM: SystemElements = Object.freeze({});

function systemElements(sys: XmlElement): SystemElements {
  const out: SystemElements = {};
  for (const c of sys.children) {
    if (typeof c === 'string') continue;
    switch (c.name) {
      case 'Provider': out.Provider ??= c; break;
      case 'EventID': out.EventID ??= c; break;
      case 'Version': out.Version ??= c; break;
      case 'Level': out.Level ??= c; break;
      case 'Task': out.Task ??= c; break;
      case 'Opcode': out.Opcode ??= c; break;
      case 'Keywords': out.Keywords ??= c; break;
      case 'TimeCreated': out.TimeCreated ??= c; break;
      case 'EventRecordID': out.EventRecordID ??= c; break;
      case 'Correlation': out.Correlation ??= c; break;
      case 'Execution': out.Execution ??= c; break;
      case 'Channel': out.Channel ??= c; break;
      case 'Computer': out.Computer ??= c; break;
      case 'Security': out.Security ??= c; break;
      default: break;
    }
  }
  return out;
}
