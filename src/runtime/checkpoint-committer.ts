/**
 * Commits the checkpoint registry (sources' positions, sinks' marks, the rules' state) every
 * `pipeline.checkpoint_interval`, one commit at a time. A failed commit (a full disk) is logged once
 * per cause and kept for /health until a commit works again; the next one retries.
 */
import { dirname } from 'node:path';
import type { CheckpointRegistry } from '../core/checkpoints/registry';
import { writeFailureDetail } from '../core/fs/disk-full';
import type { Logger } from '../core/log';
import type { Metrics } from '../core/metrics';

export class CheckpointCommitter {
  /** why the last commit failed, until one works again (null: the last one worked) */
  error: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly registry: CheckpointRegistry, private readonly everyMs: number, private readonly log: Logger, private readonly metrics: Metrics) {}

  /** Commits every `everyMs`, the next period starting when a commit ends. */
  start(): void {
    const tick = () => {
      this.commit().finally(() => { if (!this.stopped) this.timer = setTimeout(tick, this.everyMs); });
    };
    this.timer = setTimeout(tick, this.everyMs);
  }

  /** No commit starts on the timer from here; the last one is the caller's (after the pipeline drained). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  async commit(): Promise<void> {
    try {
      const before = this.registry.commits;
      await this.registry.commit();
      if (this.registry.commits > before) this.metrics.checkpointCommits.inc();
      if (this.error) this.log.info({ path: this.registry.path }, 'checkpoint commits work again');
      this.error = null;
    } catch (err) {
      const detail = writeFailureDetail(err, 'the checkpoints', dirname(this.registry.path));
      if (detail !== this.error) this.log.error({ err: (err as Error).message, path: this.registry.path }, 'checkpoint commit failed; will retry');
      this.error = detail;
    }
  }
}
