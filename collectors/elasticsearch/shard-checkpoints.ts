import type { Client } from '@elastic/elasticsearch';

/** One primary shard of an index matching the input's pattern, with its global checkpoint. */
export interface ShardCheckpoint {
  /** the concrete index (a data stream's backing index) */
  index: string;
  uuid: string;
  shard: number;
  /** every operation up to this sequence number is done on every in-sync copy of the shard */
  globalCheckpoint: number;
}

interface StatsShardCopy { routing?: { primary?: boolean }; seq_no?: { global_checkpoint?: number } }
interface StatsResponse { indices?: Record<string, { uuid?: string; shards?: Record<string, StatsShardCopy[]> }> }

/**
 * The shards of the indices the pattern names now, from the indices stats at shard level: each
 * primary's global checkpoint. A pattern matching nothing gives none (not an error).
 */
export async function readShardCheckpoints(client: Client, pattern: string): Promise<ShardCheckpoint[]> {
  let res: StatsResponse;
  try {
    res = await client.indices.stats({
      index: pattern, level: 'shards', expand_wildcards: 'open',
      filter_path: ['indices.*.uuid', 'indices.*.shards.*.routing.primary', 'indices.*.shards.*.seq_no.global_checkpoint'],
    }) as StatsResponse;
  } catch (err) {
    if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
    throw err;
  }
  const out: ShardCheckpoint[] = [];
  for (const [index, info] of Object.entries(res.indices ?? {})) {
    if (!info.uuid) throw new Error(`indices stats of ${index} carry no uuid`);
    for (const [n, copies] of Object.entries(info.shards ?? {})) {
      const primary = copies.find((c) => c.routing?.primary);
      const gcp = primary?.seq_no?.global_checkpoint;
      // a primary not started yet (no checkpoint) is looked at again at the next poll
      if (typeof gcp !== 'number') continue;
      out.push({ index, uuid: info.uuid, shard: Number(n), globalCheckpoint: gcp });
    }
  }
  return out;
}
