import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../src/core/log';
import { runNdjsonJob, type NdjsonJob, type NdjsonResult } from './ndjson-job';

/** `workers` of a file input as configured: a count (0: in the reading thread), or 'auto'. */
export type WorkersSetting = number | 'auto';

/** The most workers 'auto' starts: past them the reading thread (rules, sinks) is what limits. */
const AUTO_MAX = 3;

/**
 * The workers 'auto' means (the default is none: `workers: 0`): none on one or two cores, else one per
 * core but two, at most AUTO_MAX. Measured on two cores (README, "The file collector"), a worker saves
 * the reading thread a quarter of its time per line for 60–100% more CPU in all and 40–70 MB more
 * resident memory (its own heap and code): worth it only with a core to itself.
 */
export function ndjsonWorkers(setting: WorkersSetting, cores = availableParallelism()): number {
  if (setting !== 'auto') return Math.max(0, Math.floor(setting));
  return Math.max(0, Math.min(AUTO_MAX, cores - 2));
}

/**
 * Each worker's heap: a job holds one chunk's lines and their documents. The young generation is kept
 * small, as the daemon's own (the bin's flags): more adds resident memory for no measured gain.
 */
const WORKER_HEAP_MB = 32;
const WORKER_YOUNG_MB = 4;
/** Workers started again after losing one; past this the jobs stay in the reading thread. */
const MAX_RESTARTS = 3;

interface Pending { job: NdjsonJob; resolve: (r: NdjsonResult) => void }
interface Slot { worker: Worker; queue: Pending[]; dead: boolean }

/**
 * The NDJSON workers of one file input (worker_threads). `run` gives a job to the worker with the fewest
 * waiting; each worker answers in order. A job is kept until its answer comes: when a worker fails or
 * exits, its jobs are done again in this thread (logged) and another worker takes its place, a few times
 * at most. `run` never rejects, and the pool can be closed with jobs waiting (they are done here then).
 */
export class NdjsonPool {
  private readonly slots: Slot[] = [];
  private restarts = 0;
  private closed = false;
  /** jobs done again in this thread because their worker was lost */
  redone = 0;

  constructor(readonly size: number, private readonly log: Logger, private readonly input: string) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** The threads (for status and tests). */
  get threads(): readonly Worker[] { return this.slots.map((s) => s.worker); }

  run(job: NdjsonJob): Promise<NdjsonResult> {
    let best: Slot | null = null;
    for (const s of this.slots) if (!s.dead && (!best || s.queue.length < best.queue.length)) best = s;
    if (this.closed || !best) return Promise.resolve(runNdjsonJob(job));
    const slot = best;
    return new Promise<NdjsonResult>((resolve) => {
      slot.queue.push({ job, resolve });
      // copied, not transferred: the job is kept to be done again here should the worker be lost
      slot.worker.postMessage(job);
    });
  }

  private spawn(): Slot {
    const worker = new Worker(join(__dirname, 'ndjson-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    const slot: Slot = { worker, queue: [], dead: false };
    worker.on('message', (m: { ok?: NdjsonResult; error?: string }) => {
      const p = slot.queue.shift();
      if (!p) return;
      if (m.ok) { p.resolve(m.ok); return; }
      this.log.warn({ input: this.input, err: m.error }, 'an NDJSON worker failed a job; it is done again in the reading thread');
      this.redone++;
      p.resolve(runNdjsonJob(p.job));
    });
    worker.on('error', (e) => this.lost(slot, e.message));
    worker.on('exit', (code) => this.lost(slot, `exited with code ${code}`));
    return slot;
  }

  private lost(slot: Slot, why: string): void {
    if (slot.dead) return;
    slot.dead = true;
    const jobs = slot.queue.splice(0);
    if (!this.closed) {
      this.log.warn({ input: this.input, err: why, jobs: jobs.length }, 'an NDJSON worker stopped; its jobs are done again in the reading thread');
      const i = this.slots.indexOf(slot);
      if (i >= 0 && this.restarts < MAX_RESTARTS) {
        this.restarts++;
        this.slots[i] = this.spawn();
      }
    }
    this.redone += jobs.length;
    for (const p of jobs) p.resolve(runNdjsonJob(p.job));
  }

  /** Ends the workers; jobs still waiting for one are done in this thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
