import type { Client } from '@elastic/elasticsearch';
import type { QueryDslQueryContainer } from '@elastic/elasticsearch/lib/api/types';
import type { GroupNotified, OpenAlert } from '../../../rules';
import { compositePages, type CompositePage } from '../composite-pages';
import { ALERTS_DATA_STREAM } from './alerts-targets';

/** An alert document's `vigil.alert`, as far as an open alert is read from it. */
interface AlertFields {
  id?: string; state?: string; group_key?: string; fired_at?: string; silenced?: boolean; notified?: boolean;
  count?: number; reference?: number; value?: number; window?: { start: string; end: string };
  first_event?: string; last_event?: string; samples?: OpenAlert['shown']['samples'];
}

/** The terms an open alert of `rule` in `fleet` has. */
const FILTERS = (rule: string, fleet: string): QueryDslQueryContainer[] => [{ term: { 'vigil.alert.rule': rule } }, { term: { 'vigil.alert.fleet': fleet } }];

/** Alert documents read at most per rule (the newest first). */
const MAX_DOCS = 10_000;

/**
 * The alerts of `rule` in `fleet` the alert history holds as fired and not resolved (per group, the newest
 * firing document, when its alert id has no resolved one), without their group values (the rules engine reads them from the
 * group key). The data stream is refreshed first, so that a dead owner's last writes are seen.
 */
export async function readOpenAlerts(client: Client, rule: string, fleet: string): Promise<Array<Omit<OpenAlert, 'groupValues'>>> {
  await client.indices.refresh({ index: ALERTS_DATA_STREAM, ignore_unavailable: true, allow_no_indices: true });
  const r = await client.search<{ vigil?: { alert?: AlertFields } }>({
    index: ALERTS_DATA_STREAM, ignore_unavailable: true, allow_no_indices: true, size: MAX_DOCS,
    // (another fleet's alerts, and an agent's, are not this rule's: agents write no fleet)
    query: { bool: { filter: FILTERS(rule, fleet), should: [] } }, sort: [{ '@timestamp': 'desc' }], _source: ['vigil.alert'],
  });
  // a group has one alert at a time: its newest firing, open unless resolved
  const newest = new Map<string, AlertFields & { id: string; group_key: string }>();
  const resolved = new Set<string>();
  for (const h of r.hits.hits) {
    const a = h._source?.vigil?.alert;
    if (!a?.id || typeof a.group_key !== 'string') continue;
    if (a.state === 'resolved') resolved.add(a.id);
    else if (a.state === 'firing' && !newest.has(a.group_key)) newest.set(a.group_key, a as AlertFields & { id: string; group_key: string });
  }
  const out: Array<Omit<OpenAlert, 'groupValues'>> = [];
  for (const a of newest.values()) {
    const firedAt = Date.parse(a.fired_at ?? '');
    if (resolved.has(a.id) || !Number.isFinite(firedAt) || !a.window) continue;
    out.push({
      id: a.id, groupKey: a.group_key, firedAt, sent: a.silenced !== true && a.notified !== false,
      shown: {
        count: a.count ?? 0, window: a.window, first_event: a.first_event ?? a.fired_at!, last_event: a.last_event ?? a.fired_at!, samples: a.samples ?? [],
        ...(a.reference !== undefined ? { reference: a.reference } : {}), ...(a.value !== undefined ? { value: a.value } : {}),
      },
    });
  }
  return out;
}

const NOTIFIED_PAGE = 1000;

interface NotifiedBucket { key: { g: string }; last?: { value?: number | null } }
interface NotifiedAnswer { aggregations?: { groups?: CompositePage<NotifiedBucket> } }

/**
 * When `rule`'s alerts in `fleet` were last notified, per group, among the firings of [from, to)
 * (event time; not silenced, not held back): a new owner's realert goes on from there. One composite
 * aggregation over the group keys, paged, with the newest `fired_at` of each.
 */
export async function readLastNotified(client: Client, rule: string, fleet: string, from: number, to: number): Promise<GroupNotified[]> {
  if (!(from < to)) return [];
  await client.indices.refresh({ index: ALERTS_DATA_STREAM, ignore_unavailable: true, allow_no_indices: true });
  const out: GroupNotified[] = [];
  const pages = compositePages<NotifiedBucket>(NOTIFIED_PAGE, async (after) => (await client.search({
    index: ALERTS_DATA_STREAM, ignore_unavailable: true, allow_no_indices: true, size: 0, track_total_hits: false,
    query: {
      bool: {
        filter: [...FILTERS(rule, fleet), { term: { 'vigil.alert.state': 'firing' } }, { range: { 'vigil.alert.fired_at': { gte: from, lt: to, format: 'epoch_millis' } } }],
        must_not: [{ term: { 'vigil.alert.notified': false } }, { term: { 'vigil.alert.silenced': true } }],
      },
    },
    aggs: { groups: { composite: { size: NOTIFIED_PAGE, sources: [{ g: { terms: { field: 'vigil.alert.group_key' } } }], ...(after ? { after } : {}) }, aggs: { last: { max: { field: 'vigil.alert.fired_at' } } } } },
  } as never) as NotifiedAnswer).aggregations?.groups);
  for await (const buckets of pages) {
    for (const b of buckets) if (typeof b.last?.value === 'number') out.push({ groupKey: b.key.g, at: b.last.value });
  }
  return out;
}
