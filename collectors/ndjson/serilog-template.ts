/**
 * Serilog compact JSON's message template (`@mt`) rendered into a message: `{Name}` (also `{@Name}`,
 * `{$Name}`, `{Name:fmt}`, `{Name,10}`; `{{`/`}}` escapes) replaced by the line's property, strings
 * unquoted, objects as JSON, a token with a format by its rendering from `@r` when there is one; an
 * unknown property keeps its `{token}`.
 */
import { hasOwn, type Obj } from './json-objects';

function renderValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Renders a Serilog message template with the event's properties (`renderings`: the line's `@r`). */
export function renderMessageTemplate(mt: string, props: Obj, renderings?: unknown): string {
  const r = Array.isArray(renderings) ? renderings : null;
  let rIdx = 0;
  let out = '';
  let last = 0;
  let i = 0;
  const n = mt.length;
  while (i < n) {
    const c = mt.charCodeAt(i);
    if (c === 123 /* { */) {
      if (mt.charCodeAt(i + 1) === 123) {
        out += mt.slice(last, i + 1);
        i += 2;
        last = i;
        continue;
      }
      const close = mt.indexOf('}', i + 1);
      if (close === -1) break;
      let s = i + 1;
      const p = mt.charCodeAt(s);
      if (p === 64 /* @ */ || p === 36 /* $ */) s++;
      let e = s;
      while (e < close && isNameChar(mt.charCodeAt(e))) e++;
      const stop = mt.charCodeAt(e);
      if (e === s || (e !== close && stop !== 58 /* : */ && stop !== 44 /* , */)) {
        i = close + 1; // not a property token: literal text
        continue;
      }
      const hasFormat = mt.indexOf(':', e) !== -1 && mt.indexOf(':', e) < close;
      const name = mt.slice(s, e);
      let rendered: string;
      if (hasFormat && r !== null && rIdx < r.length) rendered = renderValue(r[rIdx]);
      else if (hasOwn.call(props, name)) rendered = renderValue(props[name]);
      else rendered = mt.slice(i, close + 1);
      if (hasFormat) rIdx++;
      out += mt.slice(last, i) + rendered;
      i = close + 1;
      last = i;
      continue;
    }
    if (c === 125 /* } */ && mt.charCodeAt(i + 1) === 125) {
      out += mt.slice(last, i + 1);
      i += 2;
      last = i;
      continue;
    }
    i++;
  }
  return out + mt.slice(last);
}
