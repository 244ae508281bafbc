/**
 * Writing fields into an event document the way every enrichment module does: objects created on
 * the way, empty and placeholder values (`-`, as Windows writes an absent name or address) skipped,
 * and the `related.*` lists kept free of duplicates in the order values were met.
 */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The object at `path` below the document, created when missing. An object that may not be changed is
 * replaced by a copy first: the NDJSON normaliser shares one frozen `host`, `event` and `agent` object
 * between the lines of a read (collectors/ndjson/shared-objects.ts). A value in the way that is not an
 * object (an NDJSON line's own `"related": "x"`) is kept under `vigil.original.<path>` and the event
 * tagged `vigil_ecs_conflict`, as the normaliser does with its collisions: never lost.
 */
export function objAt(doc: Obj, ...path: string[]): Obj {
  let o = doc;
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    const v = o[k];
    if (isObj(v)) {
      o = Object.isExtensible(v) ? v : (o[k] = { ...v });
    } else {
      if (v !== undefined && v !== null) keepAside(doc, path.slice(0, i + 1), v);
      const n: Obj = {};
      o[k] = n;
      o = n;
    }
  }
  return o;
}

function keepAside(doc: Obj, path: string[], value: unknown): void {
  let o = doc;
  for (const k of ['vigil', 'original', ...path.slice(0, -1)]) {
    const v = o[k];
    if (isObj(v)) o = Object.isExtensible(v) ? v : (o[k] = { ...v });
    else if (v === undefined || v === null) o = o[k] = {};
    else return; // a scalar already kept on this path (only two collisions on one path can do that)
  }
  const last = path[path.length - 1];
  if (o[last] === undefined) o[last] = value;
  addTag(doc, 'vigil_ecs_conflict');
}

/** Adds a tag to `tags` (a line's own scalar `tags` stays, as the first of the list). */
export function addTag(doc: Obj, tag: string): void {
  const cur = doc.tags;
  const tags = Array.isArray(cur) ? cur : cur === undefined || cur === null ? [] : [cur];
  if (!tags.includes(tag)) doc.tags = [...tags, tag];
}

/** A string that says something: not undefined, not empty, not Windows' `-` placeholder. */
export function present(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v !== '-';
}

/** `obj[key] = value` when the value is present (see `present`). */
export function putText(obj: Obj, key: string, value: unknown): void {
  if (present(value)) obj[key] = value;
}

/** Appends `value` to `related.<list>` unless it is already there or not present. */
export function addRelated(doc: Obj, list: 'user' | 'ip' | 'hash' | 'hosts', value: unknown): void {
  if (!present(value)) return;
  const related = objAt(doc, 'related');
  const cur = related[list];
  if (Array.isArray(cur) && Object.isExtensible(cur)) {
    if (!cur.includes(value)) cur.push(value);
  } else {
    // a line's own related.user: kept, as the first of the list
    const list0 = Array.isArray(cur) ? [...cur] : cur === undefined || cur === null ? [] : [cur];
    if (!list0.includes(value)) list0.push(value);
    related[list] = list0;
  }
}

/** A Windows number as text (`0x1fc`, `508`) → the number; undefined when it is not one. */
export function windowsNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  // Number() reads both forms, but also '', ' ', '1e3', '0b1', '0o7', '-1' and 'Infinity': only digits or 0x+hex pass
  const hex = v.length > 2 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) | 32) === 120;
  for (let i = hex ? 2 : 0; i < v.length; i++) {
    const c = v.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (hex && c >= 97 && c <= 102))) return undefined;
  }
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The last part of a Windows path: `C:\Windows\System32\cmd.exe` → `cmd.exe`. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('\\');
  return i < 0 ? path : path.slice(i + 1);
}
