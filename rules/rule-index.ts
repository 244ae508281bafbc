import type { Ast } from './kql/ast';
import { VIGIL_FIELDS } from './kql/fields';
import { compileIndexProbe, type IndexProbes, type ProbeField } from './index-probe';

const NONE: readonly never[] = [];

/**
 * Which rules an event can possibly match, without running every rule's query on it. A rule whose
 * query requires a keyword field to hold one of a few exact values (`event.code: 4625 and …`,
 * `log.level: (error or fatal)`) is filed under those values; an event then meets only the rules
 * filed under the values it has, plus the rules that could not be filed (checked on every event).
 * The full query still decides; the index only skips rules that cannot match.
 */
export class RuleIndex<R> {
  private byField = new Map<string, ProbeField<R>>();
  /** reads the index's fields of a document into `hits` (no array built per event) */
  private probes: IndexProbes | null = null;
  /** the lists of rules found for the current document */
  private hits: R[][] = [];
  private always: R[] = [];
  private pending: Array<{ rule: R; options: Array<{ field: string; values: string[] }> }> = [];
  private size = 0;

  add(rule: R, ast: Ast | null): void {
    this.size++;
    const options = ast ? requirementOptions(ast) : [];
    if (options.length === 0) this.always.push(rule);
    else this.pending.push({ rule, options });
  }

  get count(): number { return this.size; }
  get unindexed(): number { return this.always.length; }

  /**
   * Files each rule under one of its requirements: the one on the field whose values are most spread
   * across all rules (`service.name: payments` rather than `log.level: error`, which many rules share),
   * so that an event meets as few rules as possible.
   */
  private build(): void {
    const distinct = new Map<string, Set<string>>();
    for (const p of this.pending) for (const o of p.options) {
      let set = distinct.get(o.field);
      if (!set) { set = new Set(); distinct.set(o.field, set); }
      for (const v of o.values) set.add(v);
    }
    for (const p of this.pending) {
      let best = p.options[0];
      for (const o of p.options) {
        const a = distinct.get(o.field)!.size, b = distinct.get(best.field)!.size;
        if (a > b || (a === b && o.values.length < best.values.length)) best = o;
      }
      let f = this.byField.get(best.field);
      if (!f) { f = { path: best.field, byValue: new Map() }; this.byField.set(best.field, f); }
      for (const v of best.values) {
        const list = f.byValue.get(v);
        if (list) { if (!list.includes(p.rule)) list.push(p.rule); } else f.byValue.set(v, [p.rule]);
      }
    }
    this.pending = [];
    this.probes = this.byField.size === 0 ? null : compileIndexProbe([...this.byField.values()], this.hits);
  }

  /** The rules that may match `doc`, each once, in no particular order (do not modify the array). */
  candidates(doc: Record<string, unknown>): R[] {
    const filed = this.filed(doc);
    return filed.length === 0 ? this.always : this.always.length === 0 ? [...filed] : [...filed, ...this.always];
  }

  /** The rules checked on every event (those that could not be filed under a value); do not modify. */
  get unfiled(): readonly R[] { return this.always; }

  /**
   * The rules filed under a value `doc` has, each once (with `unfiled`, every rule that may match), so
   * that the engine walks the two lists without joining them per event. Do not modify the array.
   * `nestedRoot`: the document has no dotted key at its root (an EventDoc from a collector).
   */
  filed(doc: Record<string, unknown>, nestedRoot = false): readonly R[] {
    if (this.pending.length > 0) this.build();
    if (this.probes === null) return NONE;
    const hits = this.hits;
    if (nestedRoot) this.probes.nestedRoot(doc);
    else this.probes.any(doc);
    if (hits.length === 0) return NONE;
    const first = hits[0];
    if (hits.length === 1) { hits.length = 0; return first; }
    // a rule is filed under one field, but a document may hold several of its values: each rule once
    const seen = new Set<R>(first);
    for (let i = 1; i < hits.length; i++) for (const r of hits[i]) seen.add(r);
    hits.length = 0;
    return [...seen];
  }
}

/** Every requirement a query has (each alone is enough to file the rule under); [] when none. */
export function requirementOptions(ast: Ast): Array<{ field: string; values: string[] }> {
  if (ast.type === 'and') {
    const out: Array<{ field: string; values: string[] }> = [];
    for (const c of ast.children) out.push(...requirementOptions(c));
    return out;
  }
  const r = requiredValues(ast);
  return r ? [r] : [];
}

/**
 * One keyword field and the exact values of which the query needs one, or null when the query has no
 * such requirement. Found in a top-level `and` (any one child that has one will do) or an `or` whose
 * children all require values of the same field.
 */
export function requiredValues(ast: Ast): { field: string; values: string[] } | null {
  switch (ast.type) {
    case 'match': {
      // (a multi-field reads another path of the event: not filed under)
      if (ast.fieldPattern || VIGIL_FIELDS.kind(ast.field) !== 'keyword' || VIGIL_FIELDS.source(ast.field) !== ast.field) return null;
      if (ast.value.kind === 'wildcard') return null;
      return { field: ast.field, values: [ast.value.text] };
    }
    case 'and': {
      let best: { field: string; values: string[] } | null = null;
      for (const c of ast.children) {
        const r = requiredValues(c);
        if (r && (!best || r.values.length < best.values.length)) best = r;
      }
      return best;
    }
    case 'or': {
      let field: string | null = null;
      const values: string[] = [];
      for (const c of ast.children) {
        const r = requiredValues(c);
        if (!r || (field !== null && r.field !== field)) return null;
        field = r.field;
        values.push(...r.values);
      }
      return field === null ? null : { field, values };
    }
    default:
      return null;
  }
}
