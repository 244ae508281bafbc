import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../src/checkpoints/atomic-write';
import type { Alert } from '../../rules/alerts/alert';

/** One notification waiting in the outbox: an alert state for one notifier. */
export interface OutboxEntry {
  key: string;
  notifier: string;
  created: string;
  alert: Alert;
}

/** Used for the notification of a rule that names no notifier: the alert is still recorded. */
export const NO_NOTIFIER = 'none';

/**
 * The durable alert outbox (SPEC 4): every notification becomes one file, `<alert id>-<state>-<notifier>.json`,
 * written atomically (temp, fsync, rename) before the checkpoint that covers the events behind it can be
 * committed. The key is deterministic, so an alert that fires again while events are replayed after a
 * crash finds its file and is not queued twice. With no SMTP or webhook delivery configured (the
 * embedded default) the files are the notifications.
 */
export class AlertOutbox {
  written = 0;
  duplicates = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Queues the notifications of an alert state change; returns the entries that were new. */
  add(alert: Alert, notifiers: string[]): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const notifier of notifiers.length > 0 ? notifiers : [NO_NOTIFIER]) {
      const key = `${alert.id}-${alert.state}-${safe(notifier)}`;
      const path = join(this.dir, `${key}.json`);
      if (existsSync(path)) { this.duplicates++; continue; }
      const entry: OutboxEntry = { key, notifier, created: new Date().toISOString(), alert };
      writeFileAtomicSync(path, `${JSON.stringify(entry, null, 1)}\n`);
      this.written++;
      out.push(entry);
    }
    return out;
  }

  /** Notifications waiting (for status). */
  pending(): number {
    try { return readdirSync(this.dir).filter((f) => f.endsWith('.json')).length; } catch { return 0; }
  }
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
