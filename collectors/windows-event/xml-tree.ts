/**
 * A Windows event as an element tree: what the .evtx reader decodes from Binary XML and what the live
 * collector parses from `wevtutil`'s RenderedXml. Both hand this shape to one mapping module
 * (event-mapping.ts), so an event gives the same document whichever way it was read.
 * Element and attribute names are kept as Windows writes them (`Event`, `System`, `TimeCreated`,
 * `SystemTime`…); namespaces prefixes are dropped; text is unescaped.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** The first child element named `name`, or undefined. */
export function childNamed(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

/** The element's text: its string children joined (what `<Data>text</Data>` holds). */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s;
}
