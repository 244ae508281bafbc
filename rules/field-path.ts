/**
 * Reading a field of an event by its dotted path, as Elasticsearch flattens a document: objects nest
 * (`{log: {level}}`), keys may themselves hold dots (`{"log.level": …}`, as in rule examples), and an
 * array contributes each of its elements. Compiled once per path; nothing is built per event.
 */
export type FieldReader = (doc: Record<string, unknown>) => unknown[];

/** Calls `test` on each value at the path, stopping at the first that passes; true when one did. */
export type FieldVisitor = (doc: Record<string, unknown>, test: (v: unknown) => boolean) => boolean;

export function compileFieldVisitor(path: string): FieldVisitor {
  const segs = path.split('.');
  const hasOwn = Object.prototype.hasOwnProperty;
  if (segs.length === 1) {
    const k = segs[0];
    // (a name objects inherit is read as an own key only, by the closure)
    const generated = k in Object.prototype ? undefined : generatedOneSegmentVisitor(k);
    if (generated) return generated;
    return (doc, test) => {
      if (!hasOwn.call(doc, k)) return false;
      const v = doc[k];
      if (v === null || v === undefined) return false;
      if (!Array.isArray(v)) return test(v);
      for (const el of v) if (el !== null && el !== undefined && test(el)) return true;
      return false;
    };
  }
  if (segs.length === 2) return twoSegmentVisitor(segs[0], segs[1], path);
  return generalVisitor(segs);
}

/** The values at the end of a path: a value, or each element of an array (nested arrays flattened). */
export function eachLeaf(v: unknown, test: (v: unknown) => boolean): boolean {
  if (v === null || v === undefined) return false;
  if (!Array.isArray(v)) return test(v);
  for (const el of v) if (eachLeaf(el, test)) return true;
  return false;
}

/**
 * `a.b` (most paths rules read: event.code, log.level, host.name), unrolled: `{a: {b}}` first (an
 * array under `a` element by element), then `{"a.b": …}`, the order the general walk takes.
 */
function twoSegmentVisitor(a: string, b: string, ab: string): FieldVisitor {
  const hasOwn = Object.prototype.hasOwnProperty;
  const under = (node: unknown, test: (v: unknown) => boolean): boolean => {
    if (node === null || node === undefined) return false;
    if (Array.isArray(node)) {
      for (const el of node) if (under(el, test)) return true;
      return false;
    }
    if (typeof node !== 'object') return false;
    return hasOwn.call(node, b) && eachLeaf((node as Record<string, unknown>)[b], test);
  };
  const general = generalVisitor([a, b]);
  // names that objects inherit (`constructor`, `toString`, …) must be looked up as own keys only
  if (a in Object.prototype || b in Object.prototype || ab in Object.prototype) {
    return (doc, test) => {
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return general(doc, test);
      if (hasOwn.call(doc, a) && under(doc[a], test)) return true;
      return hasOwn.call(doc, ab) && eachLeaf(doc[ab], test);
    };
  }
  // every event meets the index's fields and most rules' filters here: the usual shape ({a: {b: value}},
  // no array, no dotted key) is read with two property loads; anything else takes the general steps
  const generated = generatedTwoSegmentVisitor(a, b, ab, general, under);
  if (generated) return generated;
  return (doc, test) => {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return general(doc, test);
    const node = doc[a];
    if (node !== undefined) {
      if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
        const v = (node as Record<string, unknown>)[b];
        if (v !== undefined && v !== null && (typeof v !== 'object' ? test(v) : eachLeaf(v, test))) return true;
      } else if (under(node, test)) return true;
    }
    const dotted = doc[ab];
    return dotted !== undefined && eachLeaf(dotted, test);
  };
}

/**
 * The same reading as a function of its own, its names as constants in its code: a closure shared by
 * every path would see every path's names at the same property loads, which V8 then looks up the slow
 * way; a function per path loads `doc.event` and `.code` as fast as written code does. Names go into the
 * code only as JSON string literals. Undefined where code generation is disallowed
 * (--disallow-code-generation-from-strings): the closure is used then.
 */
function generatedTwoSegmentVisitor(a: string, b: string, ab: string, general: FieldVisitor, under: (node: unknown, test: (v: unknown) => boolean) => boolean): FieldVisitor | undefined {
  const A = JSON.stringify(a), B = JSON.stringify(b), AB = JSON.stringify(ab);
  const body = `return function visit(doc, test) {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return general(doc, test);
  const node = doc[${A}];
  if (node !== undefined) {
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      const v = node[${B}];
      if (v !== undefined && v !== null && (typeof v !== 'object' ? test(v) : leaf(v, test))) return true;
    } else if (under(node, test)) return true;
  }
  const dotted = doc[${AB}];
  return dotted !== undefined && leaf(dotted, test);
};`;
  try {
    return (new Function('general', 'under', 'leaf', body) as (g: FieldVisitor, u: typeof under, l: typeof eachLeaf) => FieldVisitor)(general, under, eachLeaf);
  } catch {
    return undefined;
  }
}

/**
 * A path of one segment (`message`), as the closure above reads it, in a function of its own with the
 * name in its code (see generatedTwoSegmentVisitor). Only for names no object inherits: a plain load
 * of any other name finds an own value or nothing.
 */
function generatedOneSegmentVisitor(k: string): FieldVisitor | undefined {
  const body = `return function visit(doc, test) {
  const v = doc[${JSON.stringify(k)}];
  if (v === null || v === undefined) return false;
  if (!Array.isArray(v)) return test(v);
  for (const el of v) if (el !== null && el !== undefined && test(el)) return true;
  return false;
};`;
  try {
    return (new Function(body) as () => FieldVisitor)();
  } catch {
    return undefined;
  }
}

/** Any number of segments: at each level, the next segment alone, then it joined with the following ones. */
function generalVisitor(segs: string[]): FieldVisitor {
  const hasOwn = Object.prototype.hasOwnProperty;
  // keys[i][j]: segments i..j joined with dots, so no string is built per event
  const keys = segs.map((_, i) => segs.map((__, j) => segs.slice(i, j + 1).join('.')));
  const visit = (node: unknown, i: number, test: (v: unknown) => boolean): boolean => {
    if (node === null || node === undefined) return false;
    if (Array.isArray(node)) {
      for (const el of node) if (visit(el, i, test)) return true;
      return false;
    }
    if (i === segs.length) return test(node);
    if (typeof node !== 'object') return false;
    const obj = node as Record<string, unknown>;
    for (let j = i; j < segs.length; j++) {
      const k = keys[i][j];
      if (hasOwn.call(obj, k) && visit(obj[k], j + 1, test)) return true;
    }
    return false;
  };
  return (doc, test) => visit(doc, 0, test);
}

/** Every value at the path (an array contributes each element; null and absent contribute nothing). */
export function compileFieldReader(path: string): FieldReader {
  const visit = compileFieldVisitor(path);
  return (doc) => {
    const out: unknown[] = [];
    visit(doc, (v) => { out.push(v); return false; });
    return out;
  };
}

/** The first value at the path as a string (what a group is keyed on), or null when the field is absent. */
export function compileGroupValueReader(path: string): (doc: Record<string, unknown>) => string | number | boolean | null {
  const visit = compileFieldVisitor(path);
  // the walk stops at the first value: nothing is collected per event
  let first: unknown = null;
  const take = (v: unknown): boolean => { first = v; return true; };
  return (doc) => {
    if (!visit(doc, take)) return null;
    const v = first;
    first = null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  };
}
