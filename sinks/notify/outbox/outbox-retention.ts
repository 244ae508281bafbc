import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { API_FILE_FOLDERS } from '../http/request-file';

/** What one pass of the outbox retention removed. */
export interface OutboxPruned { sent: number; failed: number; files: number }

/**
 * Removes the outbox's records of finished notifications older than `keepDays` (by the time they
 * were last written): `sent/*.json`, `failed/*.json`, and what the embedded default delivered as
 * files (`<key>.eml`, `webhook/<key>.json`, and `<type>/<key>.json` of the API notifiers). Pending entries (`<dir>/*.json`) are never touched,
 * whatever their age. `keepDays <= 0` keeps everything.
 *
 * A key whose record is removed is no longer known to the outbox: an alert with that id would be
 * queued again. Ids include the alert's start, so only a replay of events older than `keepDays`
 * could do that.
 */
export async function pruneOutbox(dir: string, keepDays: number, now = Date.now()): Promise<OutboxPruned> {
  const out: OutboxPruned = { sent: 0, failed: 0, files: 0 };
  if (!(keepDays > 0)) return out;
  const before = now - keepDays * 86_400_000;
  out.sent = await removeOld(join(dir, 'sent'), (f) => f.endsWith('.json'), before);
  out.failed = await removeOld(join(dir, 'failed'), (f) => f.endsWith('.json'), before);
  out.files = await removeOld(dir, (f) => f.endsWith('.eml'), before);
  for (const folder of ['webhook', ...API_FILE_FOLDERS]) out.files += await removeOld(join(dir, folder), (f) => f.endsWith('.json'), before);
  return out;
}

/** Removes the files of `dir` that `match` and were last modified before `before`; temp files (".…") are left alone. */
async function removeOld(dir: string, match: (name: string) => boolean, before: number): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (name.startsWith('.') || !match(name)) continue;
    const path = join(dir, name);
    try {
      const st = await fsp.lstat(path);
      if (!st.isFile() || st.mtimeMs >= before) continue;
      await fsp.unlink(path);
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove: the next pass looks again
    }
  }
  return removed;
}
