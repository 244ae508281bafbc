/**
 * Dotted-key expansion (`{"a.b":1}` -> `{a:{b:1}}`, at every depth) and the merge of values into the
 * document under the collision rules of ./ecs-shape.ts: the object wins over a scalar, the first of
 * two scalars wins, the loser goes to `vigil.original.<path>`.
 *
 * The path of the object being expanded or merged (to name the `vigil.original` paths) is a stack of
 * segments kept in this module; the functions exported for the root of the document start it afresh.
 */
import { hasOwn, isPlainObject, own, setOwn, type Obj } from './json-objects';
import { markConflict } from './line-state';
import { addOriginal } from './vigil-original';

/** Deepest level of objects and arrays the expansion walks. */
export const MAX_DEPTH = 100;

const PATH: string[] = [];
let pathLen = 0; // PATH[0..pathLen) is the current path (setting an array's length is slow)

function pushPath(k: string): void {
  PATH[pathLen++] = k;
}

/** Empties the path (a new line: an earlier one may have thrown half way down). */
export function resetPath(): void {
  pathLen = 0;
}

/** addOriginal at the current path. */
function addOriginalHere(value: unknown): void {
  addOriginal(PATH.slice(0, pathLen), value);
}

const SPLIT_CACHE = new Map<string, string[]>();
const SPLIT_CACHE_MAX = 4096;

/** Splits a dotted key into its non-empty segments (cached: lines of one file repeat their keys). */
function splitKeyCached(k: string): string[] {
  if (k.length > 128) return splitKey(k); // keep the cache small whatever the lines contain
  let segs = SPLIT_CACHE.get(k);
  if (segs === undefined) {
    if (SPLIT_CACHE.size >= SPLIT_CACHE_MAX) SPLIT_CACHE.clear();
    segs = splitKey(k);
    SPLIT_CACHE.set(k, segs);
  }
  return segs;
}

/** Splits a dotted key into its non-empty segments. */
export function splitKey(k: string): string[] {
  const parts = k.split('.');
  let empty = false;
  for (let i = 0; i < parts.length; i++) if (parts[i] === '') empty = true;
  return empty ? parts.filter((p) => p !== '') : parts;
}

/** Expands the dotted keys inside a root value of the line (an object or array; anything else is left). */
export function expandRootValue(key: string, v: unknown): void {
  if (typeof v === 'object' && v !== null) {
    pathLen = 0;
    pushPath(key);
    expandValue(v, 1);
    pathLen = 0;
  }
}

/** Places the root dotted key `key` of the line into the document. */
export function placeRootDotted(doc: Obj, key: string, v: unknown): void {
  pathLen = 0;
  placeDotted(doc, key, v, 0);
}

/** Puts a root-level value back into the document (merging with what expansion created). */
export function putBack(doc: Obj, key: string, v: unknown): void {
  expandRootValue(key, v);
  pathLen = 0;
  mergeLeaf(doc, key, v);
}

/** Expands dotted keys in `v` (an object or array) and everything below it. PATH = path of `v`. */
function expandValue(v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e === 'object' && e !== null) expandValue(e, depth + 1);
    }
  } else if (typeof v === 'object' && v !== null) {
    expandObject(v as Obj, depth);
  }
}

function expandObject(obj: Obj, depth: number): void {
  let dotted: string[] | null = null;
  for (const k in obj) {
    if (k.indexOf('.') !== -1 || k.length === 0) {
      (dotted ??= []).push(k);
      continue;
    }
    const v = obj[k];
    if (typeof v === 'object' && v !== null) {
      pushPath(k);
      expandValue(v, depth + 1);
      pathLen--;
    }
  }
  if (dotted === null) return;
  for (let i = 0; i < dotted.length; i++) {
    const k = dotted[i];
    const v = obj[k];
    delete obj[k];
    placeDotted(obj, k, v, depth);
  }
}

/** Places the value of dotted key `k` into `target` (whose path is PATH). */
function placeDotted(target: Obj, k: string, v: unknown, depth: number): void {
  const segs = splitKeyCached(k); // shared: never modified
  if (segs.length === 0) {
    markConflict(); // "" or "...": not indexable, dropped
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const base = pathLen;
    for (let i = 0; i < segs.length; i++) pushPath(segs[i]);
    expandValue(v, depth + 1);
    pathLen = base;
  }
  placePath(target, segs, v);
}

/** Puts `v` at target[segs...] (target's path is PATH), creating objects; object wins over scalar. */
function placePath(target: Obj, segs: string[], v: unknown): void {
  if (segs.length === 2) {
    // fast path for the usual "log.level" / "service.name": nothing there yet
    const k0 = segs[0];
    const ex0 = own(target, k0);
    if (ex0 === undefined) {
      const o: Obj = {};
      setOwn(o, segs[1], v);
      setOwn(target, k0, o);
      return;
    }
    if (isPlainObject(ex0) && !hasOwn.call(ex0, segs[1])) {
      setOwn(ex0, segs[1], v);
      return;
    }
  }
  const base = pathLen;
  let cur = target;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    const ex = own(cur, k);
    pushPath(k);
    if (isPlainObject(ex)) {
      cur = ex;
      continue;
    }
    if (ex !== undefined && ex !== null) {
      addOriginalHere(ex);
      markConflict();
    }
    const o: Obj = {};
    setOwn(cur, k, o);
    cur = o;
  }
  mergeLeaf(cur, segs[segs.length - 1], v);
  pathLen = base;
}

/** cur[k] = v, merging objects; cur's path is PATH. Object wins; two scalars: first wins. */
function mergeLeaf(cur: Obj, k: string, v: unknown): void {
  pushPath(k);
  const ex = own(cur, k);
  if (ex === undefined || ex === null) {
    setOwn(cur, k, v);
  } else if (v === null || v === ex) {
    // nothing to add
  } else if (isPlainObject(ex)) {
    if (isPlainObject(v)) {
      for (const kk in v) mergeLeaf(ex, kk, v[kk]);
    } else {
      addOriginalHere(v);
      markConflict();
    }
  } else if (isPlainObject(v)) {
    addOriginalHere(ex);
    markConflict();
    setOwn(cur, k, v);
  } else {
    addOriginalHere(v);
    markConflict();
  }
  pathLen--;
}
