/**
 * A takeover's re-read (README, "Running a fleet"): the events of one rule's largest window (plus its
 * allowed lateness) before now, read back from Elasticsearch with the backtest's point-in-time reader
 * (rules/backtest/es-events.ts), with the rule's own query and fields and the input's filter.
 */
import type { Client } from '@elastic/elasticsearch';
import { esEvents, fleetSelection, takeoverSpanMs, type RebuildEvent, type RuleDef } from '../../../rules';

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
  const out: RebuildEvent[] = [];
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
