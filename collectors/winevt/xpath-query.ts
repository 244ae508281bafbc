import type { EventIdFilter } from '../windows-event/event-id-filter';

/**
 * A channel's filters → the XPath of `wevtutil qe /q:`, e.g.
 * `*[System[(EventID=4624 or (EventID >= 4700 and EventID <= 4800)) and not (EventID=4735) and EventRecordID > 123]]`.
 * Windows refuses expressions with too many OR'd clauses (Winlogbeat documents 22 event ids per
 * query): past that the include terms are spread over several queries, which the collector runs one
 * after the other and merges by record id. Excludes ride along in every query while they fit;
 * when they do not, they are left to the collector's own filter (it applies the event-id filter to
 * every event it receives anyway).
 */
export interface QuerySpec {
  eventIds?: EventIdFilter;
  /** numeric levels (1 critical … 5 verbose; 0 and 4 information) */
  levels?: number[];
  providers?: string[];
  /** only events younger than this (`timediff(@SystemTime) <= ms`) */
  ignoreOlderMs?: number;
  /** `EventRecordID > n` */
  afterRecordId?: number;
  /** `EventRecordID <= n` */
  upToRecordId?: number;
}

export interface BuiltQueries {
  queries: string[];
  /** false when the excludes did not fit into the XPath and must be applied by the caller */
  excludesInQuery: boolean;
}

export const MAX_EVENT_ID_CLAUSES = 22;

/** An XPath string literal (XPath 1.0 has no escapes: pick the quote the value does not contain). */
export function xpathLiteral(s: string): string {
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  throw new Error(`provider name ${s} holds both quote characters; it cannot be written in an XPath query`);
}

/** Sorted, overlapping and adjacent ranges joined: `4624, 4625, 4700-4800` → [4624-4625], [4700-4800]. */
export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.map((r) => [r[0], r[1]] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

function idClause([lo, hi]: [number, number]): string {
  return lo === hi ? `EventID=${lo}` : `(EventID >= ${lo} and EventID <= ${hi})`;
}

function orGroup(clauses: string[]): string {
  return `(${clauses.join(' or ')})`;
}

/** The XPath queries for a spec; one unless the event-id terms exceed `maxClauses`. */
export function buildQueries(spec: QuerySpec, maxClauses = MAX_EVENT_ID_CLAUSES): BuiltQueries {
  const include = mergeRanges(spec.eventIds?.include ?? []);
  const exclude = mergeRanges(spec.eventIds?.exclude ?? []);
  const common: string[] = [];
  if (spec.levels && spec.levels.length > 0) common.push(orGroup(spec.levels.map((l) => `Level=${l}`)));
  if (spec.providers && spec.providers.length > 0) common.push(`Provider[${spec.providers.map((p) => `@Name=${xpathLiteral(p)}`).join(' or ')}]`);
  if (spec.ignoreOlderMs !== undefined) common.push(`TimeCreated[timediff(@SystemTime) <= ${Math.max(0, Math.floor(spec.ignoreOlderMs))}]`);
  if (spec.afterRecordId !== undefined && spec.afterRecordId > 0) common.push(`EventRecordID > ${spec.afterRecordId}`);
  if (spec.upToRecordId !== undefined) common.push(`EventRecordID <= ${spec.upToRecordId}`);

  let excludesInQuery = true;
  let perQuery = Math.max(1, maxClauses - exclude.length);
  if (exclude.length >= maxClauses || (include.length > 0 && exclude.length > maxClauses / 2 && include.length + exclude.length > maxClauses)) {
    // too many excludes to repeat in every query: the caller filters them out
    excludesInQuery = false;
    perQuery = maxClauses;
  }
  const excludeClause = excludesInQuery && exclude.length > 0 ? `not ${orGroup(exclude.map(idClause))}` : null;

  const chunks: Array<Array<[number, number]>> = [];
  for (let i = 0; i < include.length; i += perQuery) chunks.push(include.slice(i, i + perQuery));
  if (chunks.length === 0) chunks.push([]);

  const queries = chunks.map((chunk) => {
    const conds: string[] = [];
    if (chunk.length > 0) conds.push(orGroup(chunk.map(idClause)));
    if (excludeClause) conds.push(excludeClause);
    conds.push(...common);
    return conds.length === 0 ? '*' : `*[System[${conds.join(' and ')}]]`;
  });
  return { queries, excludesInQuery };
}
