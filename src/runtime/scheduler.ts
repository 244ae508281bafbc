import { schedule, validate } from 'node-cron';
import type { Logger } from '../core/log';
import type { Metrics } from '../core/metrics';

/** A job the daemon runs on a cron schedule (node-cron syntax, with an optional seconds field). */
export interface ScheduledJob {
  name: string;
  schedule: string;
  /** also run once when the scheduler starts (a daemon restarted often would otherwise never reach a daily slot) */
  atStart?: boolean;
  run: () => Promise<void> | void;
}

/**
 * The daemon's scheduled jobs (node-cron). A run never overlaps the previous one of its job; a failure is
 * logged and counted (`vigil_scheduled_job_runs_total{job,outcome}`), and the job runs again at its next slot.
 * The timers never keep the process alive.
 */
export class Scheduler {
  private jobs: ScheduledJob[] = [];
  private tasks: Array<{ destroy(): void | Promise<void> }> = [];
  private running = new Set<Promise<void>>();

  constructor(private log: Logger, private metrics: Metrics) {}

  add(job: ScheduledJob): void {
    if (!validate(job.schedule)) throw new Error(`scheduled job ${job.name}: not a cron schedule: ${job.schedule}`);
    this.jobs.push(job);
  }

  start(): void {
    for (const job of this.jobs) {
      let busy = false;
      const fire = (): void => {
        if (busy) return; // the previous run is still going: this slot is skipped
        busy = true;
        const p = this.runOnce(job).finally(() => { busy = false; this.running.delete(p); });
        this.running.add(p);
      };
      const logger = {
        info: (m: string) => this.log.debug({ job: job.name }, m),
        warn: (m: string) => this.log.debug({ job: job.name }, m),
        error: (m: string | Error) => this.log.warn({ job: job.name, err: String(m) }, 'scheduler'),
        debug: () => undefined,
      };
      this.tasks.push(schedule(job.schedule, fire, { name: job.name, unref: true, suppressMissedWarning: true, logger }));
      if (job.atStart) fire();
    }
  }

  /** Stops every schedule and waits for the runs in progress. */
  async stop(): Promise<void> {
    for (const t of this.tasks.splice(0)) await t.destroy();
    await Promise.all([...this.running]);
  }

  private async runOnce(job: ScheduledJob): Promise<void> {
    const t0 = Date.now();
    try {
      await job.run();
      this.metrics.jobRuns.inc({ job: job.name, outcome: 'ok' });
      this.log.debug({ job: job.name, ms: Date.now() - t0 }, 'scheduled job done');
    } catch (err) {
      this.metrics.jobRuns.inc({ job: job.name, outcome: 'failed' });
      this.log.warn({ job: job.name, err: (err as Error).message }, 'scheduled job failed; it runs again at its next time');
    }
  }
}
