import type { EventDoc } from '../../../../src/core/event';

/**
 * Writing enrichment fields into a document by dotted path. An enrichment never destroys what is there:
 * when a step of the path holds something that is not an object (a line's own `process: "x"`), the
 * field is not written.
 */
function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths split once: the modules write the same few dozen paths for every event. */
interface SplitPath { keys: string[]; leaf: string }
const splitPaths = new Map<string, SplitPath>();
const MAX_CACHED_PATHS = 1000; // paths built from event data (hash names) must not grow it without bound

function split(path: string): SplitPath {
  let sp = splitPaths.get(path);
  if (sp) return sp;
  const keys = path.split('.');
  const leaf = keys.pop() as string;
  sp = { keys, leaf };
  if (splitPaths.size < MAX_CACHED_PATHS) splitPaths.set(path, sp);
  return sp;
}

/** The object at `path` (created as needed), or undefined when a step holds a non-object. */
function objectAt(doc: EventDoc, path: string[]): Record<string, unknown> | undefined {
  let o: Record<string, unknown> = doc;
  for (const key of path) {
    const next = o[key];
    if (next === undefined) o = o[key] = {};
    else if (isObj(next)) o = next;
    else return undefined;
  }
  return o;
}

/** Sets `doc.<path>` to `value`; undefined and '' are not written. */
export function setField(doc: EventDoc, path: string, value: unknown): void {
  if (value === undefined || value === '') return;
  const { keys, leaf } = split(path);
  const o = objectAt(doc, keys);
  if (o && !isObj(o[leaf])) o[leaf] = value;
}

/** The value at `doc.<path>`, or undefined. */
export function getField(doc: EventDoc, path: string): unknown {
  const { keys, leaf } = split(path);
  let o: unknown = doc;
  for (const key of keys) {
    if (!isObj(o)) return undefined;
    o = o[key];
  }
  return isObj(o) ? o[leaf] : undefined;
}

/** Appends `value` to the array at `doc.<path>` unless it is already there (`related.*`). */
export function appendUnique(doc: EventDoc, path: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  const { keys, leaf } = split(path);
  const o = objectAt(doc, keys);
  if (!o) return;
  const cur = o[leaf];
  if (cur === undefined) o[leaf] = [value];
  else if (Array.isArray(cur)) { if (!cur.includes(value)) cur.push(value); }
  else if (typeof cur === 'string' && cur !== value) o[leaf] = [cur, value];
}

/** Appends each of `values` to the array at `doc.<path>` that is not there yet (a set, for long lists). */
export function appendAllUnique(doc: EventDoc, path: string, values: string[]): void {
  if (values.length < 8) { for (const v of values) appendUnique(doc, path, v); return; }
  const { keys, leaf } = split(path);
  const o = objectAt(doc, keys);
  if (!o) return;
  const cur = o[leaf];
  if (cur !== undefined && !Array.isArray(cur) && typeof cur !== 'string') return;
  const list: unknown[] = Array.isArray(cur) ? cur : cur === undefined ? [] : [cur];
  const seen = new Set(list);
  for (const v of values) if (v !== '' && !seen.has(v)) { seen.add(v); list.push(v); }
  if (list.length > 0) o[leaf] = list;
}
