import type { Client } from '@elastic/elasticsearch';
import type { EventSelection } from '../../src/core/contracts/event-selection';
import type { PipelineEvent, Span } from '../../src/core/event';
import { parseIsoMs } from '../../src/core/timestamp';

/** One shard followed by the input: where reading stands. */
export interface ShardState {
  source: string;
  index: string;
  uuid: string;
  shard: number;
  /** the last sequence number read (and submitted); -1: none */
  readTo: number;
  /** the shard's global checkpoint at the last poll */
  esCheckpoint: number;
}

export interface ShardReadContext {
  client: Client;
  pageSize: number;
  submit: (span: Span) => Promise<void>;
  /** still running: a long read ends early when stopped */
  running: () => boolean;
  onRequest: () => void;
  onEvent: (e: PipelineEvent, ingestedMs: number | undefined) => void;
}

interface Hit { _id: string; _seq_no?: number; _source?: Record<string, unknown> }

/**
 * What a page's answer carries: each hit's id, sequence number and source, and the shards' failures.
 * Elasticsearch leaves out the rest (the index name, score, primary term and sort value of every hit:
 * about a third of the bytes of a small event's hit).
 */
const SEARCH_FILTER_PATH = ['hits.hits._id', 'hits.hits._seq_no', 'hits.hits._source', '_shards.failed', '_shards.failures'];
interface SearchResponse { _shards?: { failed?: number; failures?: unknown[] }; hits?: { hits?: Hit[] } }

function ingestedOf(doc: Record<string, unknown>): number | undefined {
  const ev = doc.event as Record<string, unknown> | undefined;
  const v = ev && typeof ev === 'object' ? ev.ingested : undefined;
  if (typeof v !== 'string') return undefined;
  const ms = parseIsoMs(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Reads a shard's documents with sequence numbers in (readTo, upTo] that the selection keeps, in
 * sequence-number order, one page per search: the shard named by `preference=_shards:N`, the range
 * on `_seq_no` as a filter, sorted by it, each page starting after the last one's final number
 * (the range's lower bound moves, as search_after on this unique sort key would). Each page is submitted as one span whose range ends at its
 * last hit (at `upTo` for the last page), so the checkpoint moves by acknowledged pages only. Every
 * operation up to `upTo` (a global checkpoint, made searchable by a refresh since) is visible and
 * nothing below it changes its number: the pages together hold each selected document once.
 * Returns false when stopped before reaching `upTo` (readTo then says how far it got).
 */
export async function readShardRange(c: ShardReadContext, sh: ShardState, upTo: number, sel: EventSelection): Promise<boolean> {
  while (sh.readTo < upTo) {
    if (!c.running()) return false;
    const filter: unknown[] = [{ range: { _seq_no: { gt: sh.readTo, lte: upTo } } }];
    if (sel.query) filter.push(sel.query);
    c.onRequest();
    const res = await c.client.search({
      index: sh.index,
      preference: `_shards:${sh.shard}`,
      size: c.pageSize,
      seq_no_primary_term: true,
      track_total_hits: false,
      sort: [{ _seq_no: 'asc' }],
      query: { bool: { filter } },
      _source: sel.fields ? { includes: sel.fields } : true,
      filter_path: SEARCH_FILTER_PATH,
    } as Parameters<Client['search']>[0]) as SearchResponse;
    if ((res._shards?.failed ?? 0) > 0) {
      throw new Error(`search of ${sh.index} shard ${sh.shard} failed: ${JSON.stringify(res._shards?.failures ?? []).slice(0, 500)}`);
    }
    const hits = res.hits?.hits ?? [];
    const full = hits.length >= c.pageSize;
    if (hits.some((h) => typeof h._seq_no !== 'number')) throw new Error(`search of ${sh.index} returned hits without _seq_no`);
    const last = hits.length > 0 ? hits[hits.length - 1]._seq_no : undefined;
    const end = full ? (last as number) : upTo;
    const span: Span = { source: sh.source, start: sh.readTo + 1, end: end + 1, pending: 0, events: [] };
    for (const h of hits) {
      const doc = h._source ?? {};
      const ts = doc['@timestamp'];
      const ms = typeof ts === 'string' ? parseIsoMs(ts) : typeof ts === 'number' ? ts : NaN;
      const e: PipelineEvent = { id: h._id, doc, span, position: h._seq_no as number, dottedRoot: true };
      if (Number.isFinite(ms)) e.time = ms;
      span.events.push(e);
      c.onEvent(e, ingestedOf(doc));
    }
    sh.readTo = end;
    await c.submit(span);
  }
  return true;
}
