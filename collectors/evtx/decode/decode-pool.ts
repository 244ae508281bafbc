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

interface Waiter { resolve: (r: ChunkResult[]) => void; reject: (e: Error) => void }

/**
 * Each worker's own heap: a chunk's decoding holds little (its records and their documents). The young
 * generation is kept small: V8's default (48 MB) adds some 25 MB of RSS a worker for no measured gain.
 */
const WORKER_HEAP_MB = 64;
const WORKER_YOUNG_MB = 12;

/**
 * Batches a worker holds at once: the one it decodes and the next, so that it never waits for this
 * thread between two. The others wait here, for whichever worker answers first.
 */
export const BATCHES_PER_WORKER = 2;

/**
 * Decode workers (worker_threads) running batches of chunk jobs: `run` queues a batch and resolves with
 * its results. A batch goes to a worker when that worker holds fewer than BATCHES_PER_WORKER, so a worker
 * that is ahead takes the next batch rather than idle behind a slower one (batches are answered in any
 * order; each worker answers its own in order). A worker that fails fails its jobs, the queued ones and the
 * ones given to the pool after (a decode worker does not die on bad data: only on a bug or lack of
 * memory); `close` ends them all.
 */
export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly held: Waiter[][] = [];
  private readonly queued: Array<{ jobs: ChunkJob[]; waiter: Waiter }> = [];
  private failure: Error | null = null;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(join(__dirname, 'chunk-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      const held: Waiter[] = [];
      w.on('message', (m: { ok?: ChunkResult[]; error?: string }) => {
        const waiter = held.shift();
        if (!waiter) return;
        if (m.ok) waiter.resolve(m.ok);
        else waiter.reject(new Error(`evtx decode worker: ${m.error}`));
        this.dispatch();
      });
      const fail = (e: Error) => {
        this.failure ??= e;
        for (const waiter of held.splice(0)) waiter.reject(e);
        for (const q of this.queued.splice(0)) q.waiter.reject(this.failure);
      };
      w.on('error', (e) => fail(new Error(`evtx decode worker failed: ${e.message}`)));
      w.on('exit', (code) => fail(new Error(`evtx decode worker exited (code ${code})`)));
      this.workers.push(w);
      this.held.push(held);
    }
  }

  /** Batches given to the pool and not answered yet: held by each worker, and queued here. */
  get pending(): { held: number[]; queued: number } {
    return { held: this.held.map((h) => h.length), queued: this.queued.length };
  }

  /**
   * Decode a batch of jobs on one worker, in order; their buffers are transferred when a worker takes
   * the batch (unusable here afterwards: jobs of a batch may share one buffer).
   */
  run(jobs: ChunkJob[]): Promise<ChunkResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<ChunkResult[]>((resolve, reject) => {
      this.queued.push({ jobs, waiter: { resolve, reject } });
      this.dispatch();
    });
  }

  /** Gives queued batches, oldest first, to the workers holding the fewest, up to BATCHES_PER_WORKER each. */
  private dispatch(): void {
    while (this.queued.length > 0 && !this.failure) {
      let best = -1;
      for (let i = 0; i < this.workers.length; i++) {
        if (this.held[i].length < BATCHES_PER_WORKER && (best < 0 || this.held[i].length < this.held[best].length)) best = i;
      }
      if (best < 0) return;
      const { jobs, waiter } = this.queued.shift() as { jobs: ChunkJob[]; waiter: Waiter };
      this.held[best].push(waiter);
      this.workers[best].postMessage(jobs, [...new Set(jobs.map((j) => j.buf.buffer as ArrayBuffer))]);
    }
  }

  async close(): Promise<void> {
    this.failure ??= new Error('evtx decode pool closed');
    for (const q of this.queued.splice(0)) q.waiter.reject(this.failure);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
