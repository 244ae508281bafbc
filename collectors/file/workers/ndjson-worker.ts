/** An NDJSON worker's entry: each message is an NdjsonJob, answered in order with its NdjsonResult (or the error). */
import { parentPort } from 'node:worker_threads';
import { runNdjsonJob, type NdjsonJob } from './ndjson-job';

const port = parentPort;
if (port) {
  port.on('message', (job: NdjsonJob) => {
    try {
      const r = runNdjsonJob(job);
      port.postMessage({ ok: r }, [r.bounds.buffer as ArrayBuffer, r.starts.buffer as ArrayBuffer, r.times.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ error: (e as Error).stack ?? String(e) });
    }
  });
}
