import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync, fsyncDir } from '../../../src/core/fs/atomic-write';
import type { Alert } from '../../../rules';

/** One notification in the outbox: an alert state for one notifier, and what became of its delivery. */
export interface OutboxEntry {
  /** `<alert id>-<state>-<notifier>`: also the idempotency key receivers see (Message-ID, X-Vigil-Delivery) */
  key: string;
  notifier: string;
  created: string;
  alert: Alert;
  /** the rule's group_window: wait this long for more alerts of the notifier to send them as one message */
  group_window_ms?: number;
  /** the key of the bundle this entry is sent in, recorded before the first try so a retry has the same members */
  bundle?: string;
  /** delivery attempts begun; written BEFORE each try, so a restart knows the receiver may have it already */
  attempts?: number;
  last_attempt_at?: string;
  /** the last transient failure (the entry stays pending) */
  last_error?: string;
  /** set once the notifier accepted it; the entry then moves to sent/ */
  sent_at?: string;
  /** what accepted it (e.g. the SMTP server's reply, the HTTP status, the file written) */
  delivered?: string;
  /** set when the notifier refused it for good; the entry then moves to failed/ */
  failed_at?: string;
  error?: string;
}

/** Used for the notification of a rule that names no notifier: the alert is still recorded. */
export const NO_NOTIFIER = 'none';

/** Counts of entries by state (for /status). */
export interface OutboxCounts { pending: number; sent: number; failed: number }

/**
 * The durable alert outbox (SPEC 4). Every notification is one file named by its key, and its state
 * is the folder it is in:
 *
 * - `<dir>/<key>.json`: pending (written atomically, before the checkpoint covering its events is
 *   committed, so a crash cannot lose it);
 * - `<dir>/sent/<key>.json`: the notifier accepted it (`sent_at`, `delivered`);
 * - `<dir>/failed/<key>.json`: the notifier refused it for good (`failed_at`, `error`).
 *
 * A state change first rewrites the pending file atomically with its outcome and then renames it into
 * its folder (both atomic), so a crash between the two leaves a pending file that already says what
 * happened, and {@link pendingEntries} finishes the move instead of sending again. The key is
 * deterministic, so an alert that fires again while events are replayed after a crash finds its file
 * in any of the three folders and is not queued twice.
 */
export class AlertOutbox {
  written = 0;
  duplicates = 0;
  readonly sentDir: string;
  readonly failedDir: string;
  /** told when pending entries were written (the dispatcher: it sends them at once, not at its next poll) */
  private readonly addedListeners = new Set<() => void>();

  constructor(readonly dir: string) {
    this.sentDir = join(dir, 'sent');
    this.failedDir = join(dir, 'failed');
    for (const d of [dir, this.sentDir, this.failedDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
  }

  /** Calls `listener` whenever {@link add} wrote entries waiting for delivery; returns how to stop that. */
  onAdded(listener: () => void): () => void {
    this.addedListeners.add(listener);
    return () => { this.addedListeners.delete(listener); };
  }

  /** Queues the notifications of an alert state change; returns the entries that were new. */
  add(alert: Alert, notifiers: string[], opts: { groupWindowMs?: number } = {}): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    let pending = false;
    for (const notifier of notifiers.length > 0 ? notifiers : [NO_NOTIFIER]) {
      const key = outboxKey(alert, notifier);
      if (this.known(key)) { this.duplicates++; continue; }
      const entry: OutboxEntry = { key, notifier, created: new Date().toISOString(), alert };
      if (opts.groupWindowMs) entry.group_window_ms = opts.groupWindowMs;
      if (notifier === NO_NOTIFIER && notifiers.length === 0) {
        // nothing to deliver: recorded as done at once, so pending means "waiting for a notifier"
        entry.sent_at = entry.created;
        entry.delivered = 'recorded only: the rule names no notifier';
        writeFileAtomicSync(join(this.sentDir, `${key}.json`), serialise(entry));
      } else {
        writeFileAtomicSync(this.pendingPath(key), serialise(entry));
        pending = true;
      }
      this.written++;
      out.push(entry);
    }
    if (pending) for (const l of this.addedListeners) l();
    return out;
  }

  /**
   * The entries waiting for delivery, oldest first. Files that a crash left between "outcome written"
   * and "moved" are moved now; unreadable files are returned in `broken` (and left alone).
   */
  pendingEntries(): { entries: OutboxEntry[]; broken: string[] } {
    const entries: OutboxEntry[] = [];
    const broken: string[] = [];
    for (const f of listJson(this.dir)) {
      let e: OutboxEntry;
      try {
        e = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as OutboxEntry;
        if (typeof e.key !== 'string' || typeof e.notifier !== 'string' || !e.alert) throw new Error('not an outbox entry');
      } catch {
        broken.push(f);
        continue;
      }
      if (e.sent_at) { this.moveTo(this.sentDir, e.key); continue; }
      if (e.failed_at) { this.moveTo(this.failedDir, e.key); continue; }
      entries.push(e);
    }
    entries.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.key < b.key ? -1 : 1));
    return { entries, broken };
  }

  /** Records that a delivery attempt begins (durably, before any byte goes out). */
  beginAttempt(e: OutboxEntry): void {
    e.attempts = (e.attempts ?? 0) + 1;
    e.last_attempt_at = new Date().toISOString();
    writeFileAtomicSync(this.pendingPath(e.key), serialise(e));
  }

  /** A transient failure: the entry stays pending, with the error for status and post-mortems. */
  noteFailure(e: OutboxEntry, error: string): void {
    e.last_error = error;
    writeFileAtomicSync(this.pendingPath(e.key), serialise(e));
  }

  markSent(e: OutboxEntry, delivered: string): void {
    e.sent_at = new Date().toISOString();
    e.delivered = delivered;
    delete e.last_error;
    writeFileAtomicSync(this.pendingPath(e.key), serialise(e));
    this.moveTo(this.sentDir, e.key);
  }

  markFailed(e: OutboxEntry, error: string): void {
    e.failed_at = new Date().toISOString();
    e.error = error;
    writeFileAtomicSync(this.pendingPath(e.key), serialise(e));
    this.moveTo(this.failedDir, e.key);
  }

  counts(): OutboxCounts {
    return { pending: listJson(this.dir).length, sent: listJson(this.sentDir).length, failed: listJson(this.failedDir).length };
  }

  private known(key: string): boolean {
    return [this.dir, this.sentDir, this.failedDir].some((d) => existsSync(join(d, `${key}.json`)));
  }

  private pendingPath(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  private moveTo(folder: string, key: string): void {
    renameSync(this.pendingPath(key), join(folder, `${key}.json`));
    // the rename is durable once both folders are synced; a crash before that replays the move
    void fsyncDir(folder);
    void fsyncDir(this.dir);
  }
}

function serialise(e: OutboxEntry): string {
  return `${JSON.stringify(e, null, 1)}\n`;
}

/** Entry files of a folder (the temp files of atomic writes start with "."). */
function listJson(dir: string): string[] {
  try { return readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.')); } catch { return []; }
}

/** The idempotency key of an alert change for one notifier: `<alert id>-<firing|resolved>-<notifier>`. */
export function outboxKey(alert: Pick<Alert, 'id' | 'state'>, notifier: string): string {
  return `${alert.id}-${alert.state}-${safe(notifier)}`;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
