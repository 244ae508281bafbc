import type { FieldPattern } from './ast';
import type { FieldKind, FieldMap } from './fields';
import { compileGlob } from './glob';

/**
 * Field patterns (`file.hash.*`, `target_resources.*.display_name`) read locally: every leaf of the
 * event whose dotted path the pattern matches, a star spanning any characters (dots too), as
 * Elasticsearch matches field patterns against the mapping's field names. An array contributes each
 * element under the same path, so `a: [{b: 1}]` holds `a.b`, as in Elasticsearch's flattened objects.
 */

/** The pattern as Elasticsearch's field-name patterns write it. */
export function fieldPatternText(pattern: FieldPattern): string {
  return pattern.join('*');
}

/** Whether the pattern is `*` alone: `*: *` selects every event (Kibana's match_all). */
export function isAllFields(pattern: FieldPattern): boolean {
  return pattern.length === 2 && pattern[0] === '' && pattern[1] === '';
}

/**
 * How deep (objects and arrays) the walk goes: Elasticsearch refuses documents whose objects nest past
 * `index.mapping.depth.limit` (20 by default), so nothing deeper can be found there either, and a
 * hostile event nested a million levels cannot exhaust the stack.
 */
const MAX_WALK_DEPTH = 100;

/** Calls `visit` with each leaf value and its path, stopping at the first call that returns true. */
function someLeaf(node: unknown, path: string, visit: (path: string, v: unknown) => boolean, depth = 0): boolean {
  if (node === null || node === undefined || depth > MAX_WALK_DEPTH) return false;
  if (Array.isArray(node)) {
    for (const el of node) if (someLeaf(el, path, visit, depth + 1)) return true;
    return false;
  }
  if (typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (someLeaf(v, path === '' ? k : `${path}.${k}`, visit, depth + 1)) return true;
    }
    return false;
  }
  return path !== '' && visit(path, node);
}

/** How many paths a compiled pattern remembers the test of before it starts over (events may carry any names). */
const PATH_CACHE_LIMIT = 4096;

/**
 * A predicate over events: whether some leaf on a path the pattern matches passes the test made for
 * that path's field kind. `testFor` is called once per kind.
 */
export function compilePatternMatcher(
  pattern: FieldPattern, fields: FieldMap, testFor: (kind: FieldKind) => (v: unknown) => boolean,
): (doc: Record<string, unknown>) => boolean {
  const matches = compileGlob(pattern);
  const byKind = new Map<FieldKind, (v: unknown) => boolean>();
  const byPath = new Map<string, ((v: unknown) => boolean) | null>();
  const testOfKind = (kind: FieldKind): ((v: unknown) => boolean) => {
    let t = byKind.get(kind);
    if (!t) { t = testFor(kind); byKind.set(kind, t); }
    return t;
  };
  // a document path's value passes when it passes the test of the field, or of a multi-field of it, that the pattern names
  const testOf = (path: string): ((v: unknown) => boolean) | null => {
    let t = byPath.get(path);
    if (t !== undefined) return t;
    const tests: Array<(v: unknown) => boolean> = [];
    if (matches(path)) tests.push(testOfKind(fields.kind(path)));
    for (const sub of fields.subfields(path)) if (matches(sub.path)) tests.push(testOfKind(sub.kind));
    t = tests.length === 0 ? null : tests.length === 1 ? tests[0] : (v) => tests.some((x) => x(v));
    if (byPath.size >= PATH_CACHE_LIMIT) byPath.clear();
    byPath.set(path, t);
    return t;
  };
  const visit = (path: string, v: unknown): boolean => {
    const t = testOf(path);
    return t !== null && t(v);
  };
  return (doc) => someLeaf(doc, '', visit);
}
