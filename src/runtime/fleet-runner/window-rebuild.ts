/**
 * A takeover's re-read (README, "Running a fleet"): the events of one rule's largest window (plus its
 * allowed lateness) before now, read back from Elasticsearch with the backtest's point-in-time reader
 * (rules/backtest/es-events.ts), with the rule's own query and fields and the input's filter.
 */
import type { Client } from '@elastic/elasticsearch';
import { esEvents, fleetSelection, groupTtlMs, nestDottedKeys, takeoverSpanMs, type RebuildEvent, type RuleDef } from '../../../rules';
import type { EventSelection } from '../../core/contracts/event-selection';

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
  const out: RebuildEvent[] = await groupsLastEvents(client, o, sel, o.now - takeoverSpanMs(o.def));
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

const GROUPS_PAGE = 1000;

interface GroupBucket { last?: { hits?: { hits?: Array<{ _id?: string; _source?: Record<string, unknown> }> } } }
interface GroupsAnswer { aggregations?: { groups?: { buckets?: GroupBucket[]; after_key?: Record<string, unknown> } } }

/**
 * A flatline rule's groups that went quiet before the re-read span but are still within the group TTL
 * (a host that died an hour ago): the last event of each, in time order, so that the new owner knows
 * them as the former owner did and its flatline goes on (otherwise the host would be unknown to it, and
 * its alert would resolve at the takeover). One composite aggregation over the rule's `group_by`, each
 * bucket's newest event with `top_hits`; groups missing a field form their own bucket, as the rule groups
 * them. Other rules need nothing before the span: their windows are in it.
 */
async function groupsLastEvents(client: Client, o: RereadOptions, sel: EventSelection, from: number): Promise<RebuildEvent[]> {
  const def = o.def;
  const since = o.now - groupTtlMs(def);
  if (def.type !== 'flatline' || def.group_by.length === 0 || since >= from) return [];
  const out: RebuildEvent[] = [];
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const r = await client.search({
      index: o.index,
      size: 0,
      track_total_hits: false,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { bool: { filter: [sel.query ?? { match_all: {} }, { range: { '@timestamp': { gte: since, lt: from, format: 'epoch_millis' } } }] } },
      aggs: {
        groups: {
          composite: { size: GROUPS_PAGE, sources: def.group_by.map((field, i) => ({ [`g${i}`]: { terms: { field, missing_bucket: true } } })), ...(after ? { after } : {}) },
          aggs: { last: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: sel.fields ? { includes: sel.fields } : true } } },
        },
      },
    } as never) as GroupsAnswer;
    const groups = r.aggregations?.groups;
    const buckets = groups?.buckets ?? [];
    for (const b of buckets) {
      const h = b.last?.hits?.hits?.[0];
      if (!h?._source) continue;
      const doc = nestDottedKeys(h._source);
      const t = Date.parse(String(doc['@timestamp']));
      if (Number.isFinite(t)) out.push({ doc, t, ...(h._id !== undefined ? { id: h._id } : {}) });
    }
    if (!groups?.after_key || buckets.length < GROUPS_PAGE) break;
    after = groups.after_key;
  }
  return out.sort((a, b) => a.t - b.t);
}
