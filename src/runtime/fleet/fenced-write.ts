import type { Client } from '@elastic/elasticsearch';

/** The field of a fenced document holding the highest fencing token that wrote it. */
export const FENCE_FIELD = 'vigil_fence';

/** A write refused because a newer owner (a higher fencing token) already wrote the document. */
export class FencedOut extends Error {
  constructor(readonly index: string, readonly id: string, readonly token: number, readonly current: number) {
    super(`${index}/${id}: write with fencing token ${token} refused, the document was written with token ${current} (a newer owner)`);
    this.name = 'FencedOut';
  }
}

/**
 * Writes `document` as `index/id` only if no higher fencing token wrote it before: a real-time GET of
 * the token, then a write conditioned on the version read (`if_seq_no`/`if_primary_term`, or `create`),
 * retried from the read when another writer came between. A new owner calls it (or `claimFence`)
 * before acting, so that every later write of a stale owner is refused.
 */
export async function fencedIndex(client: Client, args: { index: string; id: string; token: number; document: Record<string, unknown> }): Promise<{ seqNo: number; primaryTerm: number }> {
  const { index, id, token } = args;
  for (let attempt = 0; attempt < 10; attempt++) {
    const cur = await client.get<Record<string, unknown>>({ index, id }, { ignore: [404] });
    const body = { ...args.document, [FENCE_FIELD]: token };
    try {
      if (!cur.found) {
        const r = await client.index({ index, id, op_type: 'create', document: body, refresh: false });
        return { seqNo: r._seq_no!, primaryTerm: r._primary_term! };
      }
      const current = Number(cur._source?.[FENCE_FIELD] ?? 0);
      if (current > token) throw new FencedOut(index, id, token, current);
      const r = await client.index({ index, id, document: body, if_seq_no: cur._seq_no!, if_primary_term: cur._primary_term! });
      return { seqNo: r._seq_no!, primaryTerm: r._primary_term! };
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode !== 409) throw err;
    }
  }
  throw new Error(`${index}/${id}: fenced write kept conflicting with other writers (10 attempts)`);
}

/** Raises the document's fencing token to `token` (keeping its other fields), refusing if it is higher already. */
export async function claimFence(client: Client, index: string, id: string, token: number): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const cur = await client.get<Record<string, unknown>>({ index, id }, { ignore: [404] });
    const document = cur.found ? { ...cur._source } : {};
    try {
      const current = Number(document[FENCE_FIELD] ?? 0);
      if (current > token) throw new FencedOut(index, id, token, current);
      document[FENCE_FIELD] = token;
      if (!cur.found) await client.index({ index, id, op_type: 'create', document });
      else await client.index({ index, id, document, if_seq_no: cur._seq_no!, if_primary_term: cur._primary_term! });
      return;
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode !== 409) throw err;
    }
  }
  throw new Error(`${index}/${id}: claiming the fence kept conflicting with other writers (10 attempts)`);
}
