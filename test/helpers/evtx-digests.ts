import { createHash } from 'node:crypto';
import type { EvtxRecord } from '../../collectors/evtx';

/**
 * What the .evtx decoder gave for each chunk of a file, as one short digest per chunk: every record's id,
 * write time, file offset, element tree (as JSON: names, attribute order, text nodes) and Event XML.
 * test/fixtures/evtx-chunk-digests.json holds them as the decoder gave them before the speed work of
 * issue 14 (main at 35c9538, with the recovery of damaged chunks); the decoder must keep giving the same.
 */
export type ChunkDigests = Record<string, string>;

export async function chunkDigests(records: AsyncIterable<EvtxRecord>): Promise<ChunkDigests> {
  const hashes = new Map<number, ReturnType<typeof createHash>>();
  for await (const rec of records) {
    let h = hashes.get(rec.chunkIndex);
    if (!h) hashes.set(rec.chunkIndex, (h = createHash('sha256')));
    h.update(`${rec.recordId}\t${rec.written}\t${rec.fileOffset}\t${rec.checksumMismatch}\t${JSON.stringify(rec.tree)}\t${rec.xml()}\n`);
  }
  const out: ChunkDigests = {};
  for (const [chunk, h] of [...hashes].sort((a, b) => a[0] - b[0])) out[String(chunk)] = h.digest('hex').slice(0, 16);
  return out;
}
