import type { XmlElement, XmlNode } from '../../windows-event/xml-tree';

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"\n\r\t]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      default: return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** Characters XML 1.0 cannot carry even escaped are written as numeric references so the output stays readable. */
function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function write(n: XmlNode, out: string[]): void {
  if (typeof n === 'string') {
    out.push(clean(escapeText(n)));
    return;
  }
  out.push('<', n.name);
  for (const k of Object.keys(n.attrs)) out.push(' ', k, '="', clean(escapeAttr(n.attrs[k])), '"');
  if (n.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const c of n.children) write(c, out);
  out.push('</', n.name, '>');
}

/** Serialise an element tree as XML text (Event XML for a record's tree). */
export function serialiseXml(el: XmlElement): string {
  const out: string[] = [];
  write(el, out);
  return out.join('');
}
