/**
 * A decode worker's entry: each message is a batch of ChunkJobs (file order), answered in order with
 * their ChunkResults, every result's lines transferred, or with the error that stopped the batch.
 */
import { parentPort } from 'node:worker_threads';
import { runChunkJob, type ChunkJob, type ChunkResult } from './chunk-job';

const port = parentPort;
if (port) {
  port.on('message', (jobs: ChunkJob[]) => {
    try {
      const results: ChunkResult[] = jobs.map(runChunkJob);
      const transfer: ArrayBuffer[] = [];
      for (const r of results) if (r.lines) transfer.push(r.lines.buffer as ArrayBuffer);
      port.postMessage({ ok: results }, transfer);
    } catch (e) {
      port.postMessage({ error: (e as Error).stack ?? String(e) });
    }
  });
}
