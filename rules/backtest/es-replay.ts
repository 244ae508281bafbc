import type { Client } from '@elastic/elasticsearch';
import type { LoadedRules } from '../types';
import type { ReplayResult } from './replay';
import { replayEvents } from './replay-events';
import { esSelection } from './es-selection';
import { countEsEvents, esEvents, type EsEventsOptions } from './es-events';

export interface EsReplayOptions {
  /** index, alias, data stream or pattern */
  index: string;
  /** the time range read (epoch ms, both inclusive) */
  from: number;
  to: number;
  /** event time at which the replay stops (as for files); default the newest event read */
  until?: number;
  /** how the source is named in the report (never with credentials) */
  label: string;
  pageSize?: number;
  /** once the total is known (`_count`), then every 2,000 events */
  onProgress?: (p: { events: number; total: number }) => void;
  /** why more was fetched than the filters or fields (see esSelection) */
  onNote?: (note: string) => void;
}

/**
 * A backtest on history in Elasticsearch: the documents of `index` in [from, to] that some enabled
 * rule can match, with the fields the rules read (esSelection), replayed in event time (esEvents)
 * through the same engine and report as files (replayEvents). Errors of Elasticsearch are thrown.
 */
export async function replayEs(client: Client, rules: LoadedRules, o: EsReplayOptions): Promise<ReplayResult> {
  const sel = esSelection(rules);
  for (const n of sel.notes) o.onNote?.(n);
  const read: EsEventsOptions = { index: o.index, query: sel.query, from: o.from, to: o.to, sourceIncludes: sel.sourceIncludes, pageSize: o.pageSize };
  const total = await countEsEvents(client, read);
  o.onProgress?.({ events: 0, total });
  const r = await replayEvents(rules, esEvents(client, read), { until: o.until, onEvents: o.onProgress && ((events) => o.onProgress!({ events, total })) });
  return { ...r, files: [o.label], problems: [] };
}
