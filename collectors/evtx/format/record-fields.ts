import { EventDataGatherer, eventDataOf, type WindowsEventFields } from '../../windows-event/event-fields';
import type { XmlElement } from '../../windows-event/xml-tree';
import { expandedSize } from './expanded-size';
import type { SubValue, TAttr, TElem, TPart } from './template-nodes';

/**
 * Reading a record's event fields straight from its template values, without building its element tree:
 * what the tree would give, for the records whose template is the usual Windows one. A template is
 * looked at once per chunk (`fieldsPlan`); it gives a plan when every element the mapping reads is
 * fixed by the template itself (first `<System>` and `<EventData>` of the event, their children, no
 * `<UserData>` or `<RenderingInfo>`, no content decoded in place), and a record then takes it when its
 * values are all plain text or null (`planFields`): an array repeats an element and Binary XML adds
 * elements, which only the tree renders. Otherwise the tree is built, as before.
 */

/** Text as the tree would hold it: a fixed string, one value (its index), or pieces of both in order. */
type TextPlan = string | number | (string | number)[];

/** An `<EventData>` of a template: its `Data` and `Binary` children in order, and its builder when it has one (`builderOf`). */
interface EventDataPlan {
  entries: DataPlan[];
  build: DataBuilder | false;
}

interface DataPlan {
  binary: boolean;
  /** the `Name` attribute ('' when the template has none) */
  name: TextPlan;
  text: TextPlan;
}

export interface FieldsPlan {
  /** element texts (trimmed) and attributes of `<System>` ('' when the template has no such element) */
  system: Record<SystemKey, TextPlan>;
  /** the event's child elements (their names) and the values in between (their indices: Binary XML there adds elements), in order */
  eventChildren: (string | number)[];
  /** the first `<EventData>` of the template's own */
  eventData?: EventDataPlan;
  /** every value index the template's text refers to, as often as it does: each must be text or null */
  refs: number[];
  /** what the template's own names and text add to the tree's expanded size (expanded-size.ts) */
  fixedSize: number;
}

type SystemKey = Exclude<keyof WindowsEventFields, 'eventData' | 'userData' | 'rendering'>;

/** A `<System>` child's text → field. */
const SYSTEM_TEXTS: Record<string, SystemKey> = {
  EventID: 'eventId', Version: 'version', Level: 'level', Task: 'task', Opcode: 'opcode', Keywords: 'keywords',
  EventRecordID: 'recordId', Channel: 'channel', Computer: 'computer',
};

/** A `<System>` child's attributes → fields. */
const SYSTEM_ATTRS: Record<string, [string, SystemKey][]> = {
  Provider: [['Name', 'providerName'], ['EventSourceName', 'eventSourceName'], ['Guid', 'providerGuid']],
  TimeCreated: [['SystemTime', 'systemTime']],
  Correlation: [['ActivityID', 'activityId'], ['RelatedActivityID', 'relatedActivityId']],
  Execution: [['ProcessID', 'processId'], ['ThreadID', 'threadId']],
  Security: [['UserID', 'userId']],
};

const SYSTEM_KEYS: SystemKey[] = [
  'providerName', 'eventSourceName', 'providerGuid', 'eventId', 'version', 'level', 'task', 'opcode', 'keywords', 'systemTime',
  'recordId', 'activityId', 'relatedActivityId', 'processId', 'threadId', 'channel', 'computer', 'userId',
];

/** Thrown inside plan building: the template is not one a plan reads. */
const NO_PLAN = Symbol('no plan');

function isElem(p: TPart): p is TElem {
  return typeof p !== 'string' && p.k === 'e';
}

/** The text `textOf` gives of an element made from these parts (its child elements hold none of it). */
function textPlan(parts: readonly (TPart | TAttr['parts'][number])[]): TextPlan {
  const pieces: (string | number)[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      if (p === '') continue;
      const last = pieces.length - 1;
      if (last >= 0 && typeof pieces[last] === 'string') pieces[last] = (pieces[last] as string) + p;
      else pieces.push(p);
    } else if (p.k === 's') pieces.push(p.index);
    else if (p.k === 'd') throw NO_PLAN; // content decoded in place may hold text
  }
  if (pieces.length === 0) return '';
  return pieces.length === 1 ? pieces[0] : pieces;
}

/** The attribute `name`'s text (its last occurrence wins, as in the tree: so the name must be there once). */
function attrPlan(e: TElem, name: string): TextPlan {
  let found: TAttr | undefined;
  for (const a of e.attrs) {
    if (a.name !== name) continue;
    if (found) throw NO_PLAN;
    found = a;
  }
  return found ? textPlan(found.parts) : '';
}

/** The first element child named `name`, the children before it checked to add no element. */
function firstChild(parts: readonly TPart[], name: string): TElem | undefined {
  for (const p of parts) {
    if (typeof p !== 'string' && p.k === 'd') throw NO_PLAN;
    if (isElem(p) && p.name === name) return p;
  }
  return undefined;
}

/** The size a template's fixed parts add when expanded (expanded-size.ts counts the same way). */
function fixedSize(parts: readonly TPart[]): number {
  let n = 0;
  for (const p of parts) {
    if (typeof p === 'string') n += 1 + p.length;
    else if (p.k === 'e') {
      n += 1 + p.name.length;
      for (const a of p.attrs) {
        n += a.name.length;
        for (const ap of a.parts) if (typeof ap === 'string') n += ap.length;
      }
      n += fixedSize(p.children);
    } else if (p.k === 'd') throw NO_PLAN;
  }
  return n;
}

/**
 * The value indices the text of `parts` refers to, as often as it does; the values directly under
 * `event` are left out (its slots: planFields checks them apart, for the elements they may add).
 */
function collectRefs(parts: readonly TPart[], out: number[], event?: TElem, underEvent = false): void {
  for (const p of parts) {
    if (typeof p === 'string') continue;
    if (p.k === 's') {
      if (!underEvent) out.push(p.index);
    } else if (p.k === 'e') {
      for (const a of p.attrs) for (const ap of a.parts) if (typeof ap !== 'string') out.push(ap.index);
      collectRefs(p.children, out, event, p === event);
    }
  }
}

/**
 * The plan of a Binary XML value's template (what an event's `<EventData>` or `<UserData>` usually is):
 * the names of its top elements, and the first `<EventData>`'s data. Null when its top holds values or
 * content decoded in place (they could add elements).
 */
export interface ValuePlan {
  names: string[];
  eventData?: EventDataPlan;
  refs: number[];
  fixedSize: number;
}

export function valuePlan(template: readonly TPart[]): ValuePlan | null {
  try {
    const names: string[] = [];
    let eventData: EventDataPlan | undefined;
    for (const p of template) {
      if (typeof p === 'string') continue;
      if (p.k !== 'e') return null;
      names.push(p.name);
      if (p.name === 'EventData' && eventData === undefined) eventData = dataPlans(p);
    }
    const refs: number[] = [];
    collectRefs(template, refs);
    return { names, eventData, refs, fixedSize: fixedSize(template) };
  } catch (e) {
    if (e === NO_PLAN) return null;
    throw e;
  }
}

/** `<EventData>`'s `Data` and `Binary` children in order, and the builder of their object. */
function dataPlans(ed: TElem): EventDataPlan {
  const entries: DataPlan[] = [];
  for (const c of ed.children) {
    if (typeof c !== 'string' && c.k === 'd') throw NO_PLAN;
    if (!isElem(c) || (c.name !== 'Data' && c.name !== 'Binary')) continue;
    entries.push({ binary: c.name === 'Binary', name: c.name === 'Data' ? attrPlan(c, 'Name') : '', text: textPlan(c.children) });
  }
  return { entries, build: builderOf(entries) };
}

/** The plan of a record template, or null when its records are read through the tree. */
export function fieldsPlan(template: readonly TPart[]): FieldsPlan | null {
  try {
    let event: TElem | undefined;
    for (const p of template) {
      if (isElem(p)) { event = p; break; }
      if (typeof p !== 'string') throw NO_PLAN; // a value or content in place before it could be the element
    }
    if (!event) return null;
    if (firstChild(event.children, 'UserData') || firstChild(event.children, 'RenderingInfo')) return null;
    const eventChildren: (string | number)[] = [];
    for (const c of event.children) {
      if (typeof c === 'string') continue;
      if (c.k === 'e') eventChildren.push(c.name);
      else if (c.k === 's') eventChildren.push(c.index);
    }
    const system = {} as Record<SystemKey, TextPlan>;
    for (const k of SYSTEM_KEYS) system[k] = '';
    const sys = firstChild(event.children, 'System');
    if (sys) {
      const seen = new Set<string>();
      for (const c of sys.children) {
        if (typeof c !== 'string' && c.k === 'd') throw NO_PLAN;
        if (!isElem(c) || seen.has(c.name)) continue;
        seen.add(c.name);
        if (Object.hasOwn(SYSTEM_TEXTS, c.name)) system[SYSTEM_TEXTS[c.name]] = textPlan(c.children);
        const attrs = Object.hasOwn(SYSTEM_ATTRS, c.name) ? SYSTEM_ATTRS[c.name] : undefined;
        if (attrs) for (const [attr, key] of attrs) system[key] = attrPlan(c, attr);
      }
    }
    const plan: FieldsPlan = { system, eventChildren, refs: [], fixedSize: fixedSize(template) };
    const ed = firstChild(event.children, 'EventData');
    if (ed) plan.eventData = dataPlans(ed);
    collectRefs(template, plan.refs, event);
    return plan;
  } catch (e) {
    if (e === NO_PLAN) return null;
    throw e;
  }
}

function textOfPlan(t: TextPlan, values: readonly SubValue[]): string {
  if (typeof t === 'string') return t;
  if (typeof t === 'number') return valueText(values[t]);
  let s = '';
  for (const p of t) s += typeof p === 'string' ? p : valueText(values[p]);
  return s;
}

/** A value checked by `planFields` to be text or null. */
function valueText(v: SubValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** What a value adds to the tree's expanded size when it is text or null (one node); -1 for the others. */
function textSize(v: SubValue | undefined): number {
  if (typeof v === 'string') return 1 + v.length;
  return v === undefined || v.k === 'null' ? 1 : -1;
}

/** Adds what the values at `refs` expand to to `size`; -1 when one is not text or null. */
function refsSize(refs: readonly number[], values: readonly SubValue[], size: number): number {
  for (let i = 0; i < refs.length; i++) {
    const n = textSize(values[refs[i]]);
    if (n < 0) return -1;
    size += n;
  }
  return size;
}

/** An element's text as `textOf(el).trim()` gives it. */
function elementText(t: TextPlan, values: readonly SubValue[]): string {
  return (typeof t === 'string' ? t : textOfPlan(t, values)).trim();
}

/**
 * The fields of a record of a planned template; undefined when one of its values is not plain text or
 * null, or the record would expand past `maxSize` (the tree path then decides, and rejects it).
 */
export function planFields(plan: FieldsPlan, values: readonly SubValue[], maxSize: number, planOf: (template: TPart[], defOff: number) => ValuePlan | null): WindowsEventFields | undefined {
  let size = refsSize(plan.refs, values, plan.fixedSize);
  if (size < 0) return undefined;
  // the event's children in order: the template's <System> must be the first, and no <UserData> or <RenderingInfo> come from a value
  let systemSeen = false;
  let eventData: XmlElement | { plan: EventDataPlan; values: readonly SubValue[] } | undefined;
  for (const c of plan.eventChildren) {
    if (typeof c === 'string') {
      if (c === 'System') systemSeen = true;
      else if (c === 'EventData' && plan.eventData) eventData ??= { plan: plan.eventData, values };
      continue;
    }
    const v = values[c];
    const n = textSize(v);
    if (n >= 0) size += n;
    else if (typeof v === 'string' || v === undefined || v.k !== 'xml') return undefined;
    else {
      const inst = v.instance;
      const vp = inst ? planOf(inst.template, inst.defOff) : null;
      const withValue = inst && vp ? refsSize(vp.refs, inst.values, size + vp.fixedSize) : -1;
      if (inst && vp && withValue >= 0) {
        size = withValue;
        for (const name of vp.names) {
          if (name === 'UserData' || name === 'RenderingInfo' || (name === 'System' && !systemSeen)) return undefined;
          if (name === 'EventData' && vp.eventData) eventData ??= { plan: vp.eventData, values: inst.values };
        }
      } else {
        size += expandedSize(v.nodes, maxSize);
        for (const n of v.nodes) {
          if (typeof n === 'string') continue;
          if (n.name === 'UserData' || n.name === 'RenderingInfo' || (n.name === 'System' && !systemSeen)) return undefined;
          if (n.name === 'EventData') eventData ??= n;
        }
      }
    }
    if (size > maxSize) return undefined;
  }
  if (size > maxSize) return undefined;
  const s = plan.system;
  const f: WindowsEventFields = {
    providerName: textOfPlan(s.providerName, values), eventSourceName: textOfPlan(s.eventSourceName, values),
    providerGuid: textOfPlan(s.providerGuid, values), eventId: elementText(s.eventId, values), version: elementText(s.version, values),
    level: elementText(s.level, values), task: elementText(s.task, values), opcode: elementText(s.opcode, values), keywords: elementText(s.keywords, values),
    systemTime: textOfPlan(s.systemTime, values), recordId: elementText(s.recordId, values), activityId: textOfPlan(s.activityId, values),
    relatedActivityId: textOfPlan(s.relatedActivityId, values), processId: textOfPlan(s.processId, values),
    threadId: textOfPlan(s.threadId, values), channel: elementText(s.channel, values), computer: elementText(s.computer, values),
    userId: textOfPlan(s.userId, values),
  };
  if (eventData !== undefined) {
    const data = 'plan' in eventData ? planEventData(eventData.plan, eventData.values) : eventDataOf(eventData);
    if (Object.keys(data).length > 0) f.eventData = data;
  }
  return f;
}

/** `<EventData>` as `eventDataOf` reads it off the tree, from a data plan and its values. */
function planEventData(plan: EventDataPlan, values: readonly SubValue[]): Record<string, string> {
  if (plan.build) return plan.build(values);
  const data = new EventDataGatherer();
  for (const d of plan.entries) {
    const text = textOfPlan(d.text, values);
    if (d.binary) data.binary(text);
    else data.data(textOfPlan(d.name, values), text);
  }
  return data.out;
}

type DataBuilder = (values: readonly SubValue[]) => Record<string, string>;

/**
 * Builders of `<EventData>` objects whose names are all fixed (and distinct) and whose texts are one value
 * or fixed each: one object literal, so every event of a kind gets one shape (fast to fill and to
 * serialise). Shared by every chunk (keyed by the names and the value indices); false where the plan is not
 * such, or code generation is disallowed.
 */
const builders = new Map<string, DataBuilder | false>();
const MAX_BUILDERS = 4096;

function builderOf(plan: readonly DataPlan[]): DataBuilder | false {
  let key = '';
  const names = new Set<string>();
  for (const d of plan) {
    if (d.binary || typeof d.name !== 'string' || d.name === '' || d.name === '__proto__' || names.has(d.name) || typeof d.text === 'object') return false;
    names.add(d.name);
    key += `${JSON.stringify(d.name)}:${typeof d.text === 'number' ? d.text : JSON.stringify(d.text)},`;
  }
  if (plan.length === 0) return false;
  let b = builders.get(key);
  if (b === undefined) {
    b = compileBuilder(plan);
    if (builders.size >= MAX_BUILDERS) builders.clear();
    builders.set(key, b);
  }
  return b;
}

function compileBuilder(plan: readonly DataPlan[]): DataBuilder | false {
  // values were checked to be text or null (planFields): a null gives ''
  const props = plan.map((d) => `${JSON.stringify(d.name)}: ${typeof d.text === 'number' ? `t(v[${d.text}])` : JSON.stringify(d.text)}`);
  try {
    const make = new Function('t', `return (v) => ({ ${props.join(', ')} });`) as (t: (x: SubValue | undefined) => string) => DataBuilder;
    return make(valueText);
  } catch {
    return false; // code generation disallowed: the loop
  }
}
