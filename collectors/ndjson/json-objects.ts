/**
 * Own-property access on the objects JSON.parse makes. A line may hold any key, `__proto__`,
 * `constructor` and `hasOwnProperty` included, so the shaping never reads through the prototype and
 * writes `__proto__` as an own property, as JSON.parse does.
 */

export type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;
export { hasOwn };

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** o[k] when it is o's own property, else undefined. */
export function own(o: Obj, k: string): unknown {
  return hasOwn.call(o, k) ? o[k] : undefined;
}

/** o[k] = v, also for the key "__proto__" (JSON.parse makes it an own property; so do we). */
export function setOwn(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
