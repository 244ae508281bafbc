import type { Client } from '@elastic/elasticsearch';
import type { EventDoc } from '../../src/core/event';
import type { EsQuery } from '../kql/to-es';
import type { TimedEvent } from './replay-events';

/** Documents per search page, by default. */
export const ES_PAGE_SIZE = 5_000;
/** How long a point in time is kept open between two pages. */
const KEEP_ALIVE = '5m';

export interface EsEventsOptions {
  /** index, alias, data stream or pattern (comma-separated for several) */
  index: string;
  /** which documents (the time range is added) */
  query: EsQuery;
  /** event time range, epoch ms, both inclusive */
  from: number;
  to: number;
  /** `_source` includes; absent: whole documents */
  sourceIncludes?: string[];
  pageSize?: number;
}

/** The filter of a read: the selection within the time range. */
export function rangeQuery(o: Pick<EsEventsOptions, 'query' | 'from' | 'to'>): EsQuery {
  return {
    bool: {
      filter: [
        { range: { '@timestamp': { gte: new Date(o.from).toISOString(), lte: new Date(o.to).toISOString(), format: 'strict_date_optional_time' } } },
        o.query,
      ],
    },
  };
}

/** How many documents a read will return (`_count` with the same query). */
export async function countEsEvents(client: Client, o: EsEventsOptions): Promise<number> {
  const r = await client.count({ index: o.index, query: rangeQuery(o), allow_no_indices: true, ignore_unavailable: true });
  return r.count;
}

/**
 * The documents of `index` that the query selects in the time range, in event time order: one point in
 * time (a frozen view of the indices, so documents indexed meanwhile neither appear nor shift the
 * pages), read in pages with `search_after`, sorted by `@timestamp` (nanosecond resolution) and then by
 * `_shard_doc`, which orders the documents of one instant within the point in time: a page boundary
 * inside a millisecond holding thousands of events loses and repeats none. `t` is the sort value in
 * epoch ms. Dotted keys in a document (other shippers write some) are expanded into objects, as the
 * rules read nested fields. The point in time is closed when the iteration ends, however it ends.
 */
export async function* esEvents(client: Client, o: EsEventsOptions): AsyncGenerator<TimedEvent, void, undefined> {
  const size = o.pageSize ?? ES_PAGE_SIZE;
  const pit = await client.openPointInTime({ index: o.index, keep_alive: KEEP_ALIVE, ignore_unavailable: true, allow_no_indices: true } as Parameters<Client['openPointInTime']>[0]);
  let id = pit.id;
  try {
    let after: unknown[] | undefined;
    for (;;) {
      const r = await client.search<EventDoc>({
        pit: { id, keep_alive: KEEP_ALIVE },
        size,
        query: rangeQuery(o),
        sort: [{ '@timestamp': { order: 'asc', format: 'strict_date_optional_time_nanos', numeric_type: 'date_nanos' } }, { _shard_doc: 'asc' }] as never,
        _source: o.sourceIncludes ? { includes: o.sourceIncludes } : true,
        track_total_hits: false,
        ...(after ? { search_after: after as never } : {}),
      });
      if (r.pit_id) id = r.pit_id;
      const hits = r.hits.hits;
      for (const h of hits) {
        const doc = nestDottedKeys((h._source ?? {}) as EventDoc);
        const sortTime = Date.parse(String(h.sort?.[0]));
        yield { doc, t: Number.isFinite(sortTime) ? sortTime : Date.parse(String(doc['@timestamp'])), ...(h._id ? { id: h._id } : {}) };
      }
      if (hits.length < size) return;
      after = hits[hits.length - 1].sort as unknown[];
    }
  } finally {
    await client.closePointInTime({ id }).catch(() => undefined);
  }
}

/** `{"a.b": 1}` → `{a: {b: 1}}` at every depth; on a clash the object already there wins, then the first value. */
export function nestDottedKeys(doc: EventDoc, depth = 0): EventDoc {
  if (depth > 100) return doc;
  let out: EventDoc | undefined;
  for (const [k, v] of Object.entries(doc)) {
    const nested = isObject(v) ? nestDottedKeys(v, depth + 1) : v;
    if (!k.includes('.') && nested === v) { if (out) place(out, [k], v); continue; }
    out ??= copyUpTo(doc, k);
    place(out, k.split('.').filter((s) => s !== ''), nested);
  }
  return out ?? doc;
}

function copyUpTo(doc: EventDoc, stop: string): EventDoc {
  const out: EventDoc = {};
  for (const [k, v] of Object.entries(doc)) { if (k === stop) break; place(out, [k], v); }
  return out;
}

function place(target: EventDoc, path: string[], v: unknown): void {
  if (path.length === 0) return;
  let o = target;
  for (let i = 0; i < path.length - 1; i++) {
    const cur = ownValue(o, path[i]);
    if (cur === undefined) { const next: EventDoc = {}; Object.defineProperty(o, path[i], { value: next, enumerable: true, writable: true, configurable: true }); o = next; }
    else if (isObject(cur)) o = cur;
    else return; // a scalar holds the place: the first value wins
  }
  const last = path[path.length - 1];
  const cur = ownValue(o, last);
  if (cur === undefined) Object.defineProperty(o, last, { value: v, enumerable: true, writable: true, configurable: true });
  else if (isObject(cur) && isObject(v)) for (const [k, x] of Object.entries(v)) place(cur, [k], x);
}

/** A key's own value: `__proto__` and inherited names are data, never the prototype. */
function ownValue(o: EventDoc, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function isObject(v: unknown): v is EventDoc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
