import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChunkJob, ChunkResult } from './chunk-job';

/** `workers` as configured: a count (0: decode in the reading thread), or 'auto'. */
export type WorkersSetting = number | 'auto';

/** The most workers 'auto' starts: past it the reading thread, not decoding, is what limits. */
const AUTO_MAX = 4;

/** The workers 'auto' means here: one core left to the reading thread (and the pipeline), at most 4; 0 on one core. */
export function decodeWorkers(setting: WorkersSetting, cores = availableParallelism()): number {
  if (setting !== 'auto') return Math.max(0, Math.floor(setting));
  return Math.max(0, Math.min(AUTO_MAX, cores - 1));
}

interface Waiter { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }

/**
 * Each worker's own heap: a chunk's decoding holds little (its records and their documents). The young
 * generation is kept small: V8's default (48 MB) adds some 25 MB of RSS a worker for no measured gain.
 */
const WORKER_HEAP_MB = 64;
const WORKER_YOUNG_MB = 12;

/**
 * Decode workers (worker_threads) running chunk jobs: `run` gives a job to the worker with the fewest
 * waiting and resolves with its result; each worker answers its jobs in order. A worker that fails
 * fails its jobs and the ones given to the pool after (a decode worker does not die on bad data: only
 * on a bug or lack of memory); `close` ends them all.
 */
export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly waiting: Waiter[][] = [];
  private failure: Error | null = null;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(join(__dirname, 'chunk-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      const queue: Waiter[] = [];
      w.on('message', (m: { ok?: ChunkResult; error?: string }) => {
        const waiter = queue.shift();
        if (!waiter) return;
        if (m.ok) waiter.resolve(m.ok);
        else waiter.reject(new Error(`evtx decode worker: ${m.error}`));
      });
      const fail = (e: Error) => {
        this.failure ??= e;
        for (const waiter of queue.splice(0)) waiter.reject(e);
      };
      w.on('error', (e) => fail(new Error(`evtx decode worker failed: ${e.message}`)));
      w.on('exit', (code) => fail(new Error(`evtx decode worker exited (code ${code})`)));
      this.workers.push(w);
      this.waiting.push(queue);
    }
  }

  /** Decode a job on a worker; the job's buffer is transferred (unusable here afterwards). */
  run(job: ChunkJob): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.waiting[i].length < this.waiting[best].length) best = i;
    return new Promise<ChunkResult>((resolve, reject) => {
      this.waiting[best].push({ resolve, reject });
      this.workers[best].postMessage(job, [job.buf.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('evtx decode pool closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
