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
}

export interface TElem {
  k: 'e';
  name: string;
  attrs: TAttr[];
  children: TPart[];
}

/** Content already complete (a template instance decoded in place). */
export interface TDone {
  k: 'd';
  nodes: XmlNode[];
}

export type TPart = string | TSub | TElem | TDone;

/** A decoded substitution value. */
export type SubValue =
  | { k: 'null' }
  | { k: 'text'; text: string }
  | { k: 'array'; items: string[] }
  | { k: 'xml'; nodes: XmlNode[] };

export const NULL_VALUE: SubValue = { k: 'null' };

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
  if (!v) return '';
  switch (v.k) {
    case 'null': return '';
    case 'text': return v.text;
    case 'array': return v.items.join(', ');
    case 'xml': return v.nodes.map(nodeText).join('');
  }
}

function nodeText(n: XmlNode): string {
  return typeof n === 'string' ? n : n.children.map(nodeText).join('');
}

function isEmpty(v: SubValue | undefined): boolean {
  return !v || v.k === 'null' || (v.k === 'text' && v.text === '') || (v.k === 'array' && v.items.length === 0);
}

/**
 * Fill a template's substitutions with values, giving plain XML nodes.
 * An attribute made only of an optional substitution whose value is null/empty is left out (as Windows renders).
 * An element whose whole content is one array substitution is repeated once per item (as Windows renders arrays).
 */
export function instantiate(parts: TPart[], values: SubValue[], out: XmlNode[] = []): XmlNode[] {
  for (const p of parts) {
    if (typeof p === 'string') pushText(out, p);
    else if (p.k === 's') {
      const v = values[p.index];
      if (v && v.k === 'xml') pushNodes(out, v.nodes);
      else pushText(out, valueText(v));
    } else if (p.k === 'd') pushNodes(out, p.nodes);
    else instantiateElement(p, values, out);
  }
  return out;
}

function instantiateElement(e: TElem, values: SubValue[], out: XmlNode[]): void {
  const attrs: Record<string, string> = {};
  for (const a of e.attrs) {
    let text = '';
    let onlyOptionalEmpty = a.parts.length > 0;
    for (const ap of a.parts) {
      if (typeof ap === 'string') {
        text += ap;
        if (ap !== '') onlyOptionalEmpty = false;
      } else {
        const v = values[ap.index];
        if (!(ap.optional && isEmpty(v))) onlyOptionalEmpty = false;
        text += valueText(v);
      }
    }
    if (onlyOptionalEmpty && text === '') continue;
    attrs[a.name] = text;
  }
  if (e.children.length === 1) {
    const only = e.children[0];
    if (typeof only !== 'string' && only.k === 's') {
      const v = values[only.index];
      if (v && v.k === 'array' && v.items.length > 0) {
        for (const item of v.items) out.push({ name: e.name, attrs: { ...attrs }, children: item === '' ? [] : [item] });
        return;
      }
    }
  }
  const el: XmlElement = { name: e.name, attrs, children: [] };
  instantiate(e.children, values, el.children);
  out.push(el);
}
