/**
 * `vigil.original`: where a value that cannot stay where the line put it is kept (the collision rules
 * are in ./ecs-shape.ts). Values gather in `lineState.orig`; ./shape-tags.ts puts them in the event.
 */
import { isPlainObject, own, setOwn, type Obj } from './json-objects';
import { lineState, markConflict } from './line-state';

/** Keeps `value` under `vigil.original.<segs>` (keep-first; nothing is tagged here). */
export function addOriginal(segs: readonly string[], value: unknown): void {
  if (segs.length === 0) return;
  let cur = lineState.orig;
  if (cur === null) cur = lineState.orig = {};
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    const ex = own(cur, k);
    if (isPlainObject(ex)) {
      cur = ex;
    } else if (ex === undefined || ex === null) {
      const o: Obj = {};
      setOwn(cur, k, o);
      cur = o;
    } else {
      return; // a scalar already kept on this path: see the header comment of ./ecs-shape.ts
    }
  }
  const last = segs[segs.length - 1];
  const ex = own(cur, last);
  if (ex === undefined || ex === null) setOwn(cur, last, value);
  else if (isPlainObject(ex) && isPlainObject(value)) {
    for (const k in value) if (own(ex, k) === undefined) setOwn(ex, k, value[k]);
  }
}

/** Keeps a value that collided under `vigil.original.<segs>` and tags the line. */
export function conflictAt(segs: readonly string[], value: unknown): void {
  addOriginal(segs, value);
  markConflict();
}
