import type { Client, estypes } from '@elastic/elasticsearch';
import { esErrors } from '../../../src/core/elasticsearch-lib';
import { DELIVERIES_INDEX } from './alerts-targets';
import type { DeliveryRecord, FencedRecord } from './delivery-record';

/** Another runner changed the record since it was read: this one lost the race and must leave it. */
export class FenceLost extends Error {
  constructor(key: string) {
    super(`delivery ${key} was changed by another runner`);
    this.name = 'FenceLost';
  }
}

/**
 * The delivery records in Elasticsearch, every change of one a write fenced by the version it was read
 * at (`if_seq_no`/`if_primary_term`): of two runners that read the same version, one write wins and
 * the other gets a 409 ({@link FenceLost}). `refresh: false` everywhere: reads by id are real-time.
 */
export class DeliveryLedger {
  constructor(private readonly client: Client, readonly index = DELIVERIES_INDEX) {}

  async get(key: string): Promise<FencedRecord | undefined> {
    try {
      const r = await this.client.get<DeliveryRecord>({ index: this.index, id: key });
      if (!r.found || !r._source) return undefined;
      return { rec: r._source, seqNo: r._seq_no as number, primaryTerm: r._primary_term as number };
    } catch (err) {
      if (err instanceof esErrors().ResponseError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Replaces the record if it is still at the version `from` was read at; returns the new fence. */
  async replace(from: FencedRecord, rec: DeliveryRecord): Promise<FencedRecord> {
    try {
      const r = await this.client.index({ index: this.index, id: rec.key, document: rec, if_seq_no: from.seqNo, if_primary_term: from.primaryTerm });
      return { rec, seqNo: r._seq_no as number, primaryTerm: r._primary_term as number };
    } catch (err) {
      if (err instanceof esErrors().ResponseError && err.statusCode === 409) throw new FenceLost(rec.key);
      throw err;
    }
  }

  /**
   * Keys of records some runner could work on now: pending and due, or claimed/sending with an expired
   * lease (their owner is gone), oldest first; `rules`: of these rules only. Search sees what the last refresh (≤ 1 s) made visible;
   * a runner also tries the keys it wrote itself at once.
   */
  async due(now: number, size = 200, rules?: readonly string[]): Promise<string[]> {
    if (rules && rules.length === 0) return [];
    const ofRules: estypes.QueryDslQueryContainer[] = rules ? [{ terms: { rule: [...rules] } }] : [];
    const free: estypes.QueryDslQueryContainer = { bool: { filter: [{ term: { status: 'pending' } }, ...ofRules], must_not: [{ range: { retry_at: { gt: now } } }], should: [] } };
    const orphaned: estypes.QueryDslQueryContainer = { bool: { filter: [{ terms: { status: ['claimed', 'sending'] } }, { range: { lease_until: { lt: now } } }, ...ofRules], should: [] } };
    const query: estypes.QueryDslQueryContainer = { bool: { should: [free, orphaned] as estypes.QueryDslQueryContainer[], minimum_should_match: 1 } };
    const r = await this.client.search<DeliveryRecord>({
      index: this.index,
      ignore_unavailable: true, // before the first alert wrote the index: nothing is due
      size,
      _source: ['key'],
      sort: [{ created: 'asc' }, { key: 'asc' }],
      query,
    });
    return r.hits.hits.map((h) => h._id!).filter(Boolean);
  }

  /** Counts by status (for /status). */
  async counts(): Promise<Record<string, number>> {
    const r = await this.client.search({ index: this.index, size: 0, aggs: { s: { terms: { field: 'status', size: 10 } } } });
    const out: Record<string, number> = {};
    for (const b of (r.aggregations?.s as { buckets: Array<{ key: string; doc_count: number }> }).buckets) out[b.key] = b.doc_count;
    return out;
  }
}
