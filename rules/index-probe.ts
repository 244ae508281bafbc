import { keywordOf, KEYWORD_IGNORE_ABOVE } from './kql/fields';
import { compileFieldVisitor, eachLeaf } from './field-path';

/** A field the rule index files rules under, with the rules filed under each of its values. */
export interface ProbeField<R> {
  path: string;
  byValue: Map<string, R[]>;
}

/**
 * Reads every field of the rule index in a document, pushing onto `hits` the list of rules filed under
 * each value found (a field, nested first and then dotted, as field-path.ts reads it; a document may hold
 * several values). `hits` is the caller's, emptied by the caller.
 */
export type IndexProbe = (doc: Record<string, unknown>) => void;

/** The probes of one index: for any document, and for one without dotted keys at its root. */
export interface IndexProbes {
  any: IndexProbe;
  /**
   * For a document whose root holds no dotted key (an EventDoc as the collectors make it: nested
   * objects), which spares a lookup of `{"a.b": …}` per field: read by a key that is absent, on
   * documents of many shapes, it costs as much as the rest of the probe.
   */
  nestedRoot: IndexProbe;
}

/**
 * One function for all the index's fields, so that an event is probed without a call per field and
 * without a closure per value: every event meets it. A field of two segments (`event.code`,
 * `log.level`) in its usual shape, `{a: {b: "value"}}`, is read with property loads and one map
 * lookup written into the code (fields under one object, `event.code` and `event.dataset`, share the
 * load of `event`); any other shape of it (an array, a number, a dotted key) and any other path go
 * through the field's visitor, which reads every case. Names enter the code only as JSON string
 * literals. Where code generation is disallowed, the visitors alone are used.
 */
export function compileIndexProbe<R>(fields: ReadonlyArray<ProbeField<R>>, hits: R[][]): IndexProbes {
  const slow = fields.map((f) => fieldVisit(f, hits));
  const any = generatedProbe(fields, hits, slow, true);
  const nestedRoot = generatedProbe(fields, hits, slow, false);
  if (any && nestedRoot) return { any, nestedRoot };
  const visitAll: IndexProbe = (doc) => { for (let i = 0; i < slow.length; i++) slow[i].all(doc); };
  return { any: visitAll, nestedRoot: visitAll };
}

interface FieldVisit {
  /** every value of the field in `doc` */
  all: (doc: Record<string, unknown>) => void;
  /** every value under one node already read (an array's elements, a number) */
  leaf: (v: unknown) => void;
}

function fieldVisit<R>(f: ProbeField<R>, hits: R[][]): FieldVisit {
  const visit = compileFieldVisitor(f.path);
  const collect = (v: unknown): boolean => {
    const key = keywordOf(v);
    if (key === undefined) return false;
    const hit = f.byValue.get(key);
    if (hit !== undefined) hits.push(hit);
    return false; // on to the next value: a document may hold several
  };
  return { all: (doc) => { visit(doc, collect); }, leaf: (v) => { eachLeaf(v, collect); } };
}

/**
 * The generated probe. Each field keeps its place in the order (the rules found come out in the
 * order the visitors would give them); the objects the fields of two segments sit under are loaded
 * once, at the top. `dotted`: also look up `{"a.b": …}` at the root.
 */
function generatedProbe<R>(fields: ReadonlyArray<ProbeField<R>>, hits: R[][], slow: FieldVisit[], dotted: boolean): IndexProbe | undefined {
  const parents = new Map<string, string>(); // first segment -> its local variable
  const lines: string[] = [];
  fields.forEach((f, i) => {
    const segs = f.path.split('.');
    // names that objects inherit (`constructor`, …) are looked up as own keys only: the visitor does it
    if (segs.length !== 2 || segs.some((x) => x in Object.prototype) || f.path in Object.prototype) {
      lines.push(`slow[${i}].all(doc);`);
      return;
    }
    let n = parents.get(segs[0]);
    if (n === undefined) { n = `n${parents.size}`; parents.set(segs[0], n); }
    const [B, AB] = [segs[1], f.path].map((x) => JSON.stringify(x));
    lines.push(
      `if (${n} !== undefined && (typeof ${n} !== 'object' || ${n} === null || Array.isArray(${n}))) slow[${i}].all(doc);`,
      'else {',
      `  if (${n} !== undefined) {`,
      `    v = ${n}[${B}];`,
      `    if (typeof v === 'string') { if (v.length <= ${KEYWORD_IGNORE_ABOVE}) { h = maps[${i}].get(v); if (h !== undefined) hits.push(h); } }`,
      `    else if (v !== undefined && v !== null) slow[${i}].leaf(v);`,
      '  }',
      ...(dotted ? [`  v = doc[${AB}];`, `  if (v !== undefined) slow[${i}].leaf(v);`] : []),
      '}',
    );
  });
  const loads = [...parents].map(([seg, n]) => `const ${n} = doc[${JSON.stringify(seg)}];`);
  const body = [
    'return function probe(doc) {',
    '  if (typeof doc !== \'object\' || doc === null || Array.isArray(doc)) { for (let i = 0; i < slow.length; i++) slow[i].all(doc); return; }',
    '  let v, h;',
    ...loads.map((l) => `  ${l}`),
    ...lines.map((l) => `  ${l}`),
    '};',
  ].join('\n');
  try {
    return (new Function('hits', 'maps', 'slow', body) as (h: R[][], m: Array<Map<string, R[]>>, s: FieldVisit[]) => IndexProbe)(hits, fields.map((f) => f.byValue), slow);
  } catch {
    return undefined;
  }
}
