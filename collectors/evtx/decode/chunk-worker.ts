/** A decode worker's entry: each message is a ChunkJob, answered in order with its ChunkResult (or the error). */
import { parentPort } from 'node:worker_threads';
import { runChunkJob, type ChunkJob } from './chunk-job';

const port = parentPort;
if (port) {
  port.on('message', (job: ChunkJob) => {
    try {
      const r = runChunkJob(job);
      port.postMessage({ ok: r }, r.lines ? [r.lines.buffer as ArrayBuffer] : []);
    } catch (e) {
      port.postMessage({ error: (e as Error).stack ?? String(e) });
    }
  });
}
