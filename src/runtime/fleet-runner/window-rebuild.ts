/**
 * A takeover's re-read (README, "Running a fleet"): the events of one rule's largest window (plus its
 * allowed lateness) before now, read back from Elasticsearch with the backtest's point-in-time reader
 * (rules/backtest/es-events.ts), with the rule's own query and fields and the input's filter.
 */
import type { Client } from '@elastic/elasticsearch';
import { esEvents, fleetSelection, nestDottedKeys, takeoverSeedPlan, takeoverSpanMs, type RebuildEvent, type RuleDef } from '../../../rules';
import type { EventSelection } from '../../core/contracts/event-selection';
import { compositePages, type CompositePage } from '../../../sinks/elasticsearch/composite-pages';

/** The upper end of a re-read: far enough ahead that no event stamped by a fast clock is left out. */
const AHEAD_MS = 365 * 86_400_000;

export interface RereadOptions {
  /** the input's index pattern */
  index: string;
  def: RuleDef;
  /** the input's KQL filter, ANDed with the rule's query */
  filter?: string;
  /** the present in the events' time (epoch ms, RulesEngine.eventTimeNow): the re-read starts takeoverSpanMs before it */
  now: number;
  pageSize?: number;
  /**
   * Told when Elasticsearch refuses the look-up of what the rule knew before the span (a field it
   * cannot aggregate, such as one mapped `text`): the takeover goes on without it.
   */
  onSeedsRefused?: (reason: string) => void;
}

/**
 * The rule's events from `now − span` on, in event time order, each with its `_id`. The indices are
 * refreshed first, so that every document the input has passed over (it reads only what a refresh
 * made searchable) is in the point in time.
 */
export async function rereadRuleEvents(client: Client, o: RereadOptions): Promise<RebuildEvent[]> {
  const sel = fleetSelection([o.def], o.filter);
  if (sel.none) return [];
  await client.indices.refresh({ index: o.index, ignore_unavailable: true, allow_no_indices: true });
  const out: RebuildEvent[] = await seedsBeforeSpan(client, o, sel, o.now - takeoverSpanMs(o.def)).catch((err: unknown) => {
    // a refusal is for good (a mapping): retrying would keep the rule idle; anything else is retried
    const e = err as { meta?: { statusCode?: number }; message?: string };
    if (e.meta?.statusCode !== 400) throw err;
    o.onSeedsRefused?.(String(e.message ?? err));
    return [];
  });
  for await (const e of esEvents(client, {
    index: o.index,
    query: (sel.query ?? { match_all: {} }) as never,
    from: o.now - takeoverSpanMs(o.def),
    to: o.now + AHEAD_MS,
    ...(sel.fields ? { sourceIncludes: sel.fields } : {}),
    pageSize: o.pageSize,
  })) {
    if (Number.isFinite(e.t)) out.push({ doc: e.doc, t: e.t, ...(e.id !== undefined ? { id: e.id } : {}) });
  }
  return out;
}

const SEEDS_PAGE = 1000;

interface SeedBucket { last?: { hits?: { hits?: Array<{ _id?: string; _source?: Record<string, unknown> }> } } }
interface SeedsAnswer {
  hits?: { hits?: Array<{ _id?: string; _source?: Record<string, unknown> }> };
  aggregations?: { seeds?: CompositePage<SeedBucket> };
}

/**
 * What the rule knew from before the re-read span (rules/takeover-seeds.ts): the newest event of each
 * distinct combination of the plan's keys (a flatline's or a change's groups, a new_term's terms per
 * group) within its look-back, in time order. One composite aggregation, paged, each bucket's newest
 * event by `top_hits`; with no keys (a change without group_by), the one newest event. A new_term's
 * seeds are capped at its max_terms, the most recently seen kept.
 */
async function seedsBeforeSpan(client: Client, o: RereadOptions, sel: EventSelection, from: number): Promise<RebuildEvent[]> {
  const plan = takeoverSeedPlan(o.def);
  if (!plan) return [];
  const since = o.now - plan.lookbackMs;
  if (since >= from) return [];
  const query = { bool: { filter: [sel.query ?? { match_all: {} }, { range: { '@timestamp': { gte: since, lt: from, format: 'epoch_millis' } } }] } };
  const newest = { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: sel.fields ? { includes: sel.fields } : true };
  const base = { index: o.index, ignore_unavailable: true, allow_no_indices: true, track_total_hits: false, query };
  let out: RebuildEvent[] = [];
  const seedOf = (h: { _id?: string; _source?: Record<string, unknown> } | undefined): RebuildEvent | undefined => {
    if (!h?._source) return undefined;
    const doc = nestDottedKeys(h._source);
    const t = Date.parse(String(doc['@timestamp']));
    return Number.isFinite(t) ? { doc, t, ...(h._id !== undefined ? { id: h._id } : {}), ...(plan.teach ? { teach: true } : {}) } : undefined;
  };
  const take = (h: Parameters<typeof seedOf>[0]): void => {
    const e = seedOf(h);
    if (e) out.push(e);
  };
  if (plan.keys.length === 0) {
    const r = await client.search({ ...base, ...newest } as never) as SeedsAnswer;
    take(r.hits?.hits?.[0]);
    return out;
  }
  const sources = plan.keys.map((k, i) => ({ [`k${i}`]: { terms: { field: k.field, missing_bucket: k.missing } } }));
  const pages = compositePages<SeedBucket>(SEEDS_PAGE, async (after) => (await client.search({
    ...base,
    size: 0,
    aggs: { seeds: { composite: { size: SEEDS_PAGE, sources, ...(after ? { after } : {}) }, aggs: { last: { top_hits: newest } } } },
  } as never) as SeedsAnswer).aggregations?.seeds);
  for await (const buckets of pages) {
    for (const b of buckets) take(b.last?.hits?.hits?.[0]);
    // a bounded history keeps the most recently seen: so does the fetch, past twice the bound
    if (plan.max !== undefined && out.length > 2 * plan.max) out = out.sort((a, b) => b.t - a.t).slice(0, plan.max);
  }
  out.sort((a, b) => a.t - b.t);
  if (plan.max !== undefined && out.length > plan.max) out = out.slice(out.length - plan.max);
  if (plan.oldestWith) {
    // the rule's warm-up counts from the oldest event it could have learned from, taught first (and, being a
    // real sighting of its term, harmless to learn: the term's newest sighting follows it)
    const r = await client.search({
      ...base, size: 1, sort: [{ '@timestamp': { order: 'asc' } }], _source: newest._source,
      query: { bool: { filter: [query, ...plan.oldestWith.map((field) => ({ exists: { field } }))] } },
    } as never) as SeedsAnswer;
    const oldest = seedOf(r.hits?.hits?.[0]);
    // (when it is also a term's newest sighting, it is the first seed already)
    if (oldest && !(oldest.id !== undefined && oldest.id === out[0]?.id)) out.unshift(oldest);
  }
  return out;
}
