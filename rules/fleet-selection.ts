/**
 * What a fleet runner must fetch from Elasticsearch for the loaded rules: the union of the rules'
 * selecting queries (KQL translated by kql/to-es) and the fields the rules and their alerts read
 * (`_source` includes). A rule without a query selects every event; a field pattern `*` reads every
 * field: then whole documents are fetched.
 */
import type { EventSelection } from '../src/core/contracts/event-selection';
import type { Ast } from './kql/ast';
import { FREE_TEXT_FIELD } from './kql/ast';
import { parseKql } from './kql/parse';
import { toEsQuery } from './kql/to-es';
import { fieldPatternText, isAllFields } from './kql/field-pattern';
import { SAMPLE_FIELDS } from './alerts/lifecycle';
import type { RuleDef } from './types';

/** The fields an AST reads; null when it reads every field (`*: value`). */
function astFields(ast: Ast | null, into: Set<string>): boolean {
  if (!ast) return true;
  switch (ast.type) {
    case 'and': case 'or': return ast.children.every((c) => astFields(c, into));
    case 'not': return astFields(ast.child, into);
    case 'text': into.add(FREE_TEXT_FIELD); return true;
    case 'range': into.add(ast.field); return true;
    case 'match': case 'exists':
      if (ast.fieldPattern) {
        if (isAllFields(ast.fieldPattern)) return false;
        into.add(fieldPatternText(ast.fieldPattern));
      } else into.add(ast.field);
      return true;
  }
}

function parsed(kql: string | undefined): Ast | null {
  return kql === undefined || kql.trim() === '' ? null : parseKql(kql);
}

const computed = new WeakMap<RuleDef[], Map<string, EventSelection>>();

/**
 * The selection for a loaded rule list (none: nothing to fetch), with an input's KQL `filter` required
 * as well; computed once per list and filter. Throws on a filter that is not valid KQL.
 */
export function fleetSelection(rules: RuleDef[], filter?: string): EventSelection {
  let byFilter = computed.get(rules);
  if (!byFilter) { byFilter = new Map(); computed.set(rules, byFilter); }
  const key = filter ?? '';
  let s = byFilter.get(key);
  if (!s) {
    s = withFilter(selectionOf(rules), key);
    byFilter.set(key, s);
  }
  return s;
}

function withFilter(s: EventSelection, filter: string): EventSelection {
  const ast = parsed(filter); // parsed even when nothing is fetched: a bad filter is reported at once
  if (!ast || s.none) return s;
  const f = toEsQuery(ast);
  return { ...s, query: s.query ? { bool: { filter: [f, s.query] } } : f };
}

function selectionOf(rules: RuleDef[]): EventSelection {
  const enabled = rules.filter((r) => r.enabled);
  if (enabled.length === 0) return { query: null, fields: null, none: true };
  const should: Record<string, unknown>[] = [];
  let all = false;
  const fields = new Set<string>(['@timestamp', 'event.ingested']);
  let wholeDocs = false;
  for (const r of enabled) {
    const where = parsed(r.where);
    // a ratio rule's base (`of`) selects its events; `where` is read of each of them
    const selecting = r.type === 'ratio' ? parsed(r.of) : where;
    if (selecting === null) all = true; else should.push(toEsQuery(selecting));
    if (!astFields(where, fields)) wholeDocs = true;
    if (r.type === 'ratio' && !astFields(selecting, fields)) wholeDocs = true;
    const read = [
      ...(r.include ?? SAMPLE_FIELDS), ...r.group_by, ...(r.regex ? [r.regex.field] : []),
      ...(r.fields ?? []), ...(r.field ? [r.field] : []), ...(r.top_count_keys ?? []),
    ];
    for (const f of read) fields.add(f);
  }
  const query = all ? null : should.length === 1 ? should[0] : { bool: { should, minimum_should_match: 1 } };
  return { query, fields: wholeDocs ? null : [...fields].sort(), none: false };
}
