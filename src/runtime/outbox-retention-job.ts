/**
 * The scheduled job that forgets finished notifications: the outbox's records of sent and refused
 * ones (and the embedded default's delivered files) older than `outbox_keep_days`.
 */
import type { Logger } from '../core/log';
import { pruneOutbox } from '../../sinks/notify/outbox/outbox-retention';
import { OUTBOX_KEEP_DAYS } from '../../sinks/notify/outbox/config';
import type { ScheduledJob } from './scheduler';

/** Hourly, and once at start (a daemon restarted often would otherwise never reach its slot). */
export function outboxRetentionJob(outboxDir: string, keepDays: number | undefined, log: Logger): ScheduledJob {
  const days = keepDays ?? OUTBOX_KEEP_DAYS;
  return {
    name: 'outbox-retention', schedule: '23 * * * *', atStart: true,
    run: async () => {
      const gone = await pruneOutbox(outboxDir, days);
      if (gone.sent + gone.failed + gone.files > 0) log.info({ ...gone, keep_days: days }, 'outbox: removed the records of notifications older than outbox_keep_days');
    },
  };
}
