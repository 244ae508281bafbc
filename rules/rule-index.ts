import type { Ast } from './kql/ast';
import { fieldKind, KEYWORD_IGNORE_ABOVE } from './kql/fields';
import { compileFieldReader, type FieldReader } from './field-path';

/**
 * Which rules an event can possibly match, without running every rule's query on it. A rule whose
 * query requires a keyword field to hold one of a few exact values (`event.code: 4625 and …`,
 * `log.level: (error or fatal)`) is filed under those values; an event then meets only the rules
 * filed under the values it has, plus the rules that could not be filed (checked on every event).
 * The full query still decides; the index only skips rules that cannot match.
 */
export class RuleIndex<R> {
  private byField = new Map<string, { read: FieldReader; byValue: Map<string, R[]> }>();
  private always: R[] = [];
  private size = 0;

  add(rule: R, ast: Ast | null): void {
    this.size++;
    const req = ast ? requiredValues(ast) : null;
    if (!req) { this.always.push(rule); return; }
    let f = this.byField.get(req.field);
    if (!f) { f = { read: compileFieldReader(req.field), byValue: new Map() }; this.byField.set(req.field, f); }
    for (const v of req.values) {
      const list = f.byValue.get(v);
      if (list) list.push(rule); else f.byValue.set(v, [rule]);
    }
  }

  get count(): number { return this.size; }
  get unindexed(): number { return this.always.length; }

  /** The rules that may match `doc`, each once, in no particular order. */
  candidates(doc: Record<string, unknown>): R[] {
    if (this.byField.size === 0) return this.always;
    let out: R[] | null = null;
    for (const f of this.byField.values()) {
      const vals = f.read(doc);
      for (let i = 0; i < vals.length; i++) {
        const key = keywordTerm(vals[i]);
        if (key === undefined) continue;
        const hit = f.byValue.get(key);
        if (!hit) continue;
        if (out === null) out = this.always.length > 0 ? this.always.slice() : [];
        for (const r of hit) if (vals.length === 1 || !out.includes(r)) out.push(r);
      }
    }
    return out ?? this.always;
  }
}

/** The keyword term a document value is indexed as (the same coercion as the KQL matcher's). */
function keywordTerm(v: unknown): string | undefined {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else return undefined;
  return s.length > KEYWORD_IGNORE_ABOVE ? undefined : s;
}

/**
 * One keyword field and the exact values of which the query needs one, or null when the query has no
 * such requirement. Found in a top-level `and` (any one child that has one will do) or an `or` whose
 * children all require values of the same field.
 */
export function requiredValues(ast: Ast): { field: string; values: string[] } | null {
  switch (ast.type) {
    case 'match': {
      if (fieldKind(ast.field) !== 'keyword') return null;
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
