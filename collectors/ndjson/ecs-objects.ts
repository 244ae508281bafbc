/**
 * The ECS object fields the phases write into (`error`, `log.origin`, `host`, …): found, or created
 * when absent, with whatever non-object the line had there moved to `vigil.original`.
 */
import { isPlainObject, type Obj } from './json-objects';
import { conflictAt } from './vigil-original';

/** The object at doc[key] (an ECS object field), created if absent; a non-object there is moved away. */
export function ensureObj(doc: Obj, key: string): Obj {
  const cur = doc[key];
  if (isPlainObject(cur)) return cur;
  const o: Obj = {};
  if (cur !== undefined && cur !== null) conflictAt([key], cur);
  doc[key] = o;
  return o;
}

/** The object at parent[key] (path `path`), created if absent; a non-object there is moved away. */
export function ensureChild(parent: Obj, key: string, path: readonly string[]): Obj {
  const cur = parent[key];
  if (isPlainObject(cur)) return cur;
  const o: Obj = {};
  if (cur !== undefined && cur !== null) conflictAt(path, cur);
  parent[key] = o;
  return o;
}

/** A scalar moved to its ECS leaf (`host` -> `host.name`); if the leaf is taken, vigil.original.<key>. */
export function moveScalar(doc: Obj, key: string, leaf: string, v: unknown): void {
  const o = ensureObj(doc, key);
  const ex = o[leaf];
  if (ex === undefined || ex === null) o[leaf] = v;
  else if (ex !== v) conflictAt([key], v);
}
