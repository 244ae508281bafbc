/**
 * Reading a field of an event by its dotted path, as Elasticsearch flattens a document: objects nest
 * (`{log: {level}}`), keys may themselves hold dots (`{"log.level": …}`, as in rule examples), and an
 * array contributes each of its elements. Compiled once per path; nothing is built per event.
 */
export type FieldReader = (doc: Record<string, unknown>) => unknown[];

export function compileFieldReader(path: string): FieldReader {
  const segs = path.split('.');
  // keys[i][j]: segments i..j joined with dots
  const keys = segs.map((_, i) => segs.map((__, j) => segs.slice(i, j + 1).join('.')));
  const visit = (node: unknown, i: number, out: unknown[]): void => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) { for (const el of node) visit(el, i, out); return; }
    if (i === segs.length) { out.push(node); return; }
    if (typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    for (let j = i; j < segs.length; j++) {
      const k = keys[i][j];
      if (Object.prototype.hasOwnProperty.call(obj, k)) visit(obj[k], j + 1, out);
    }
  };
  if (segs.length === 1) {
    const k = segs[0];
    return (doc) => {
      const v = doc[k];
      if (v === null || v === undefined) return [];
      return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : [v];
    };
  }
  return (doc) => {
    const out: unknown[] = [];
    visit(doc, 0, out);
    return out;
  };
}

/** The first value at the path as a string (what a group is keyed on), or null when the field is absent. */
export function compileGroupValueReader(path: string): (doc: Record<string, unknown>) => string | number | boolean | null {
  const read = compileFieldReader(path);
  return (doc) => {
    const vs = read(doc);
    if (vs.length === 0) return null;
    const v = vs[0];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  };
}
