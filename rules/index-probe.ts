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

/**
 * One function for all the index's fields, so that an event is probed without a call per field and
 * without a closure per value: every event meets it. A field of two segments (`event.code`,
 * `log.level`) in its usual shape, `{a: {b: "value"}}`, is read with two property loads and one map
 * lookup written into the generated code; any other shape of it (an array, a number, a dotted key)
 * and any other path go through the field's visitor, which reads every case. Names enter the code
 * only as JSON string literals. Where code generation is disallowed, the visitors alone are used.
 */
export function compileIndexProbe<R>(fields: ReadonlyArray<ProbeField<R>>, hits: R[][]): IndexProbe {
  const slow = fields.map((f) => fieldVisit(f, hits));
  return generatedProbe(fields, hits, slow) ?? ((doc) => { for (let i = 0; i < slow.length; i++) slow[i].all(doc); });
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

function generatedProbe<R>(fields: ReadonlyArray<ProbeField<R>>, hits: R[][], slow: FieldVisit[]): IndexProbe | undefined {
  const lines: string[] = [];
  fields.forEach((f, i) => {
    const segs = f.path.split('.');
    // names that objects inherit (`constructor`, …) are looked up as own keys only: the visitor does it
    if (segs.length !== 2 || segs.some((s) => s in Object.prototype) || f.path in Object.prototype) {
      lines.push(`slow[${i}].all(doc);`);
      return;
    }
    const [A, B, AB] = [segs[0], segs[1], f.path].map((s) => JSON.stringify(s));
    lines.push(
      `n = doc[${A}];`,
      `if (n !== undefined && (typeof n !== 'object' || n === null || Array.isArray(n))) slow[${i}].all(doc);`,
      'else {',
      '  if (n !== undefined) {',
      `    v = n[${B}];`,
      `    if (typeof v === 'string') { if (v.length <= ${KEYWORD_IGNORE_ABOVE}) { h = maps[${i}].get(v); if (h !== undefined) hits.push(h); } }`,
      `    else if (v !== undefined && v !== null) slow[${i}].leaf(v);`,
      '  }',
      `  v = doc[${AB}];`,
      `  if (v !== undefined) slow[${i}].leaf(v);`,
      '}',
    );
  });
  const body = `return function probe(doc) {\n  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) { for (let i = 0; i < slow.length; i++) slow[i].all(doc); return; }\n  let n, v, h;\n  ${lines.join('\n  ')}\n};`;
  try {
    return (new Function('hits', 'maps', 'slow', body) as (h: R[][], m: Array<Map<string, R[]>>, s: FieldVisit[]) => IndexProbe)(hits, fields.map((f) => f.byValue), slow);
  } catch {
    return undefined;
  }
}
