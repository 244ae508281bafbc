import type { Client } from '@elastic/elasticsearch';
import { LEASE_INDEX_BODY, type LeaseDoc, type MemberDoc, type Versioned } from './lease-docs';

/** Everything of one fleet in the lease index, as one read saw it. */
export interface FleetSnapshot {
  members: Map<string, Versioned<MemberDoc> & { id: string }>;
  leases: Map<string, Versioned<LeaseDoc> & { id: string }>;
}

/** One write of a round: a document put only if absent, put over a known version, or deleted at a known version. */
export type LeaseWrite =
  | { op: 'create'; id: string; doc: MemberDoc | LeaseDoc }
  | { op: 'put'; id: string; doc: MemberDoc | LeaseDoc; ifVersion?: { seqNo: number; primaryTerm: number } }
  | { op: 'delete'; id: string; ifVersion?: { seqNo: number; primaryTerm: number } };

export type WriteResult =
  | { outcome: 'ok'; seqNo: number; primaryTerm: number }
  | { outcome: 'conflict' }
  | { outcome: 'error'; reason: string };

/** Most documents one fleet may hold (rules + members); a read of more is refused rather than cut short. */
export const MAX_FLEET_DOCS = 10_000;

/** The lease index in Elasticsearch: created with its mapping, read whole, written in one `_bulk` per round. */
export class LeaseStore {
  /** `timeoutMs` bounds every request (a round must not outlive the renewal period by much). */
  constructor(private readonly client: Client, readonly index: string, private readonly timeoutMs: number) {}

  async ensureIndex(): Promise<void> {
    try {
      await this.client.indices.create({ index: this.index, ...LEASE_INDEX_BODY } as never, { requestTimeout: this.timeoutMs });
    } catch (err) {
      const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type
        ?? (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
      if (type !== 'resource_already_exists_exception') throw err;
    }
  }

  /** A refresh then one search: every member and lease of `fleet`, with versions. */
  async read(fleet: string): Promise<FleetSnapshot> {
    await this.client.indices.refresh({ index: this.index }, { requestTimeout: this.timeoutMs });
    const res = await this.client.search<MemberDoc | LeaseDoc>({
      index: this.index,
      size: MAX_FLEET_DOCS,
      seq_no_primary_term: true,
      track_total_hits: true,
      query: { term: { fleet } },
    }, { requestTimeout: this.timeoutMs });
    const total = typeof res.hits.total === 'number' ? res.hits.total : res.hits.total?.value ?? 0;
    if (total > MAX_FLEET_DOCS) throw new Error(`lease index ${this.index}: fleet ${fleet} holds ${total} documents, more than ${MAX_FLEET_DOCS}`);
    const snap: FleetSnapshot = { members: new Map(), leases: new Map() };
    for (const h of res.hits.hits) {
      const doc = h._source;
      if (!doc || h._seq_no === undefined || h._primary_term === undefined) continue;
      const v = { id: h._id!, seqNo: h._seq_no, primaryTerm: h._primary_term };
      if (doc.kind === 'member') snap.members.set(doc.member, { ...v, doc });
      else if (doc.kind === 'lease') snap.leases.set(doc.rule, { ...v, doc });
    }
    return snap;
  }

  /** The writes in one `_bulk`, each checked on its own; results in the same order. */
  async write(writes: LeaseWrite[]): Promise<WriteResult[]> {
    if (writes.length === 0) return [];
    const operations: unknown[] = [];
    for (const w of writes) {
      const meta: Record<string, unknown> = { _index: this.index, _id: w.id };
      if (w.op !== 'create' && w.ifVersion) {
        meta.if_seq_no = w.ifVersion.seqNo;
        meta.if_primary_term = w.ifVersion.primaryTerm;
      }
      if (w.op === 'delete') operations.push({ delete: meta });
      else operations.push({ [w.op === 'create' ? 'create' : 'index']: meta }, w.doc);
    }
    const res = await this.client.bulk({ operations: operations as never }, { requestTimeout: this.timeoutMs });
    return res.items.map((item): WriteResult => {
      const r = Object.values(item)[0]!;
      if (r.status >= 200 && r.status < 300 && r._seq_no !== undefined && r._primary_term !== undefined) {
        return { outcome: 'ok', seqNo: r._seq_no, primaryTerm: r._primary_term };
      }
      if (r.status === 409 || (r.status === 404 && Object.keys(item)[0] === 'delete')) return { outcome: 'conflict' };
      return { outcome: 'error', reason: `${r.status} ${r.error?.type ?? ''}: ${r.error?.reason ?? ''}` };
    });
  }
}
