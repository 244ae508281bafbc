import type { XmlElement, XmlNode } from '../../windows-event/xml-tree';

/**
 * A decoded Binary XML fragment before its substitutions are filled in: what a template definition holds.
 * Strings are unescaped text; TSub marks where a template value goes.
 */
export interface TSub {
  k: 's';
  index: number;
  type: number;
  optional: boolean;
}

export interface TAttr {
  name: string;
  parts: (string | TSub)[];
  /** left out when empty: every part an empty string or an optional substitution (and at least one part) */
  omissible: boolean;
}

export interface TElem {
  k: 'e';
  name: string;
  attrs: TAttr[];
  children: TPart[];
  /** the index of the substitution that is the element's whole content (repeated for an array), else -1; -2 not known yet */
  only: number;
}

/** Content already complete (a template instance decoded in place). */
export interface TDone {
  k: 'd';
  nodes: XmlNode[];
}

export type TPart = string | TSub | TElem | TDone;

/** A decoded substitution value: text as a plain string, the rest as objects. */
export type SubValue =
  | string
  | { k: 'null' }
  | { k: 'array'; items: string[] }
  | XmlValue;

/** A Binary XML value: its nodes (instantiated when first read when it is one template instance, whose `instance` is kept). */
export interface XmlValue {
  readonly k: 'xml';
  readonly nodes: XmlNode[];
  readonly instance?: { defOff: number; template: TPart[]; values: SubValue[] };
}

export const NULL_VALUE: SubValue = { k: 'null' };

/** An attribute as the element parser finds it. */
export function tattr(name: string, parts: (string | TSub)[]): TAttr {
  let omissible = parts.length > 0;
  for (const p of parts) if (typeof p === 'string' ? p !== '' : !p.optional) omissible = false;
  return { name, parts, omissible };
}

function pushText(out: XmlNode[], s: string): void {
  if (s === '') return;
  const last = out.length - 1;
  if (last >= 0 && typeof out[last] === 'string') out[last] = (out[last] as string) + s;
  else out.push(s);
}

function pushNodes(out: XmlNode[], nodes: XmlNode[]): void {
  for (const n of nodes) {
    if (typeof n === 'string') pushText(out, n);
    else out.push(n);
  }
}

function valueText(v: SubValue | undefined): string {
  if (typeof v === 'string') return v;
  if (!v) return '';
  switch (v.k) {
    case 'null': return '';
    case 'array': return v.items.join(', ');
    case 'xml': return v.nodes.map(nodeText).join('');
  }
}

function nodeText(n: XmlNode): string {
  return typeof n === 'string' ? n : n.children.map(nodeText).join('');
}

function isEmpty(v: SubValue | undefined): boolean {
  if (typeof v === 'string') return v === '';
  return !v || v.k === 'null' || (v.k === 'array' && v.items.length === 0);
}

/**
 * Fill a template's substitutions with values, giving plain XML nodes.
 * An attribute made only of an optional substitution whose value is null/empty is left out (as Windows renders).
 * An element whose whole content is one array substitution is repeated once per item (as Windows renders arrays).
 */
export function instantiate(parts: TPart[], values: SubValue[], out: XmlNode[] = []): XmlNode[] {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p === 'string') pushText(out, p);
    else if (p.k === 's') {
      const v = values[p.index];
      if (typeof v === 'string') pushText(out, v);
      else if (v && v.k === 'xml') pushNodes(out, v.nodes);
      else pushText(out, valueText(v));
    } else if (p.k === 'd') pushNodes(out, p.nodes);
    else instantiateElement(p, values, out);
  }
  return out;
}

function attrText(a: TAttr, values: SubValue[]): string {
  const parts = a.parts;
  if (parts.length === 1) {
    const only = parts[0];
    return typeof only === 'string' ? only : valueText(values[only.index]);
  }
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const ap = parts[i];
    text += typeof ap === 'string' ? ap : valueText(values[ap.index]);
  }
  return text;
}

/** Whether an omissible attribute is left out: its substitutions all empty, and its text empty. */
function leftOut(a: TAttr, values: SubValue[], text: string): boolean {
  if (text !== '') return false;
  for (const ap of a.parts) if (typeof ap !== 'string' && !isEmpty(values[ap.index])) return false;
  return true;
}

function onlySubstitution(e: TElem): number {
  if (e.only === -2) {
    const c = e.children.length === 1 ? e.children[0] : undefined;
    e.only = c !== undefined && typeof c !== 'string' && c.k === 's' ? c.index : -1;
  }
  return e.only;
}

function instantiateElement(e: TElem, values: SubValue[], out: XmlNode[]): void {
  const attrs: Record<string, string> = {};
  for (let i = 0; i < e.attrs.length; i++) {
    const a = e.attrs[i];
    const text = attrText(a, values);
    if (a.omissible && leftOut(a, values, text)) continue;
    attrs[a.name] = text;
  }
  const only = onlySubstitution(e);
  if (only >= 0) {
    const v = values[only];
    if (typeof v === 'string') {
      out.push({ name: e.name, attrs, children: v === '' ? [] : [v] });
      return;
    }
    if (v && v.k === 'array' && v.items.length > 0) {
      for (const item of v.items) out.push({ name: e.name, attrs: { ...attrs }, children: item === '' ? [] : [item] });
      return;
    }
  }
  const el: XmlElement = { name: e.name, attrs, children: [] };
  instantiate(e.children, values, el.children);
  out.push(el);
}
