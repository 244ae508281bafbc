import type { Ast } from '../kql/ast';
import { FREE_TEXT_FIELD } from '../kql/ast';
import { parseKql } from '../kql/parse';
import { toEsQuery, type EsQuery } from '../kql/to-es';
import { fieldPatternText, isAllFields } from '../kql/field-pattern';
import { SAMPLE_FIELDS } from '../alerts/lifecycle';
import type { LoadedRules, RuleDef } from '../types';

/**
 * What a backtest (or a fleet input) asks Elasticsearch for, given the rules: the documents that some
 * enabled rule can match and the fields the rules read.
 */
export interface EsSelection {
  /** the union of the rules' filters as query DSL (no time range) */
  query: EsQuery;
  /** `_source` includes; absent: the whole document (see `notes` for why) */
  sourceIncludes?: string[];
  /** why more than the filters or fields were asked for, one line each (for stderr) */
  notes: string[];
}

/**
 * The query and `_source` fields of a rule set. A rule's events are those of its `where` (a ratio
 * rule's: those of `of`, on which `where` is evaluated); an empty filter selects every document. The
 * fields are those its filters, regex, grouping, watched fields, `include` and `top_count_keys` read,
 * `@timestamp`, and, for a rule without `include`, the standard sample fields its alerts show. A rule
 * whose filter tests every field (`*: value`) needs whole documents: then the whole `_source` is
 * fetched, and a note says which rule asked for it.
 */
export function esSelection(rules: LoadedRules): EsSelection {
  const notes: string[] = [];
  const should: EsQuery[] = [];
  const fields = new Set<string>(['@timestamp']);
  let everything = false;
  let wholeSource = false;
  for (const def of rules.rules) {
    if (!def.enabled) continue;
    const filter = def.type === 'ratio' ? def.of ?? '' : def.where;
    const ast = filter.trim() === '' ? null : parseKql(filter);
    if (ast) should.push(toEsQuery(ast)); else everything = true;
    for (const f of ruleFields(def)) {
      if (f === '*') {
        if (!wholeSource) notes.push(`rule ${def.id} tests every field of an event: whole documents are fetched (no _source filtering)`);
        wholeSource = true;
      } else fields.add(f);
    }
  }
  const query: EsQuery = everything ? { match_all: {} } : should.length === 0 ? { match_none: {} } : should.length === 1 ? should[0] : { bool: { should, minimum_should_match: 1 } };
  return wholeSource ? { query, notes } : { query, sourceIncludes: [...fields].sort(), notes };
}

/** The fields one rule reads (field patterns as written, `*` for every field). */
export function ruleFields(def: RuleDef): string[] {
  const out: string[] = [];
  for (const q of [def.where, def.type === 'ratio' ? def.of ?? '' : '']) if (q.trim() !== '') kqlFields(parseKql(q), out);
  if (def.regex) out.push(def.regex.field);
  out.push(...def.group_by, ...(def.fields ?? []), ...(def.field ? [def.field] : []), ...(def.top_count_keys ?? []));
  out.push(...(def.include ?? SAMPLE_FIELDS));
  return [...new Set(out)];
}

function kqlFields(ast: Ast, out: string[]): void {
  switch (ast.type) {
    case 'and': case 'or': for (const c of ast.children) kqlFields(c, out); return;
    case 'not': kqlFields(ast.child, out); return;
    case 'text': out.push(FREE_TEXT_FIELD); return;
    case 'match': case 'exists':
      if (ast.fieldPattern) out.push(isAllFields(ast.fieldPattern) ? '*' : fieldPatternText(ast.fieldPattern));
      else out.push(ast.field);
      return;
    case 'range': out.push(ast.field);
  }
}
