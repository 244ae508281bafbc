import type { EventDoc } from '../../../../src/core/event';

/**
 * Writing enrichment fields into a document by dotted path. An enrichment never destroys what is there:
 * when a step of the path holds something that is not an object (a line's own `process: "x"`), the
 * field is not written.
 */
function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
  const keys = path.split('.');
  const leaf = keys.pop() as string;
  const o = objectAt(doc, keys);
  if (o && !isObj(o[leaf])) o[leaf] = value;
}

/** The value at `doc.<path>`, or undefined. */
export function getField(doc: EventDoc, path: string): unknown {
  let o: unknown = doc;
  for (const key of path.split('.')) {
    if (!isObj(o)) return undefined;
    o = o[key];
  }
  return o;
}

/** Appends `value` to the array at `doc.<path>` unless it is already there (`related.*`). */
export function appendUnique(doc: EventDoc, path: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  const keys = path.split('.');
  const leaf = keys.pop() as string;
  const o = objectAt(doc, keys);
  if (!o) return;
  const cur = o[leaf];
  if (cur === undefined) o[leaf] = [value];
  else if (Array.isArray(cur)) { if (!cur.includes(value)) cur.push(value); }
  else if (typeof cur === 'string' && cur !== value) o[leaf] = [cur, value];
}
