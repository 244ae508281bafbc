import { createHash } from 'node:crypto';
import type { OutboxEntry } from './alert-outbox';

/** Entries that go out as one message, under one idempotency key: one entry, or a `group_window` bundle. */
export interface OutgoingMessage { key: string; entries: OutboxEntry[] }

/**
 * The messages to send now from one notifier's pending entries (oldest first), `group_window`
 * (SPEC 3.4) applied: an entry whose rule has a group window waits until `created + window`, and
 * then every waiting entry of the notifier created before that moment goes with it, as one message.
 * Entries without a window go alone, at once, and are not held up by a bundle still collecting.
 *
 * A bundle's members and key are recorded in its entries (`bundle`) before the first try, so a retry
 * and a re-send after a crash carry the same key even if more alerts arrived meanwhile; members
 * that were moved to sent/ before a crash simply leave the rest to go out under that same key.
 */
export function messagesDue(entries: OutboxEntry[], now: number): OutgoingMessage[] {
  const recorded = new Map<string, OutboxEntry[]>();
  for (const e of entries) if (e.bundle) recorded.set(e.bundle, [...(recorded.get(e.bundle) ?? []), e]);
  const taken = new Set<string>();
  const out: OutgoingMessage[] = [];
  for (const e of entries) {
    if (taken.has(e.key)) continue;
    let message: OutgoingMessage | undefined;
    if (e.bundle) {
      message = { key: e.bundle, entries: recorded.get(e.bundle) as OutboxEntry[] };
    } else if (!e.group_window_ms) {
      message = { key: e.key, entries: [e] };
    } else {
      const due = Date.parse(e.created) + e.group_window_ms;
      if (now < due) continue; // still collecting; the entries after it are newer and wait too
      // a bundle lists its alerts in event time (the order they happened), not in the order the outbox
      // happened to write them: entries written within one millisecond would otherwise go by key (a hash)
      const members = entries.filter((m) => !taken.has(m.key) && !m.bundle && m.group_window_ms && Date.parse(m.created) < due)
        .sort((a, b) => Date.parse(a.alert.first_event) - Date.parse(b.alert.first_event));
      message = { key: members.length === 1 ? e.key : bundleKey(members), entries: members };
    }
    for (const m of message.entries) taken.add(m.key);
    out.push(message);
  }
  return out;
}

/**
 * A bundle's key: a hash of its members' keys, then "bundle" and the notifier part of the keys (as
 * safe for file names and Message-IDs as theirs).
 */
function bundleKey(members: OutboxEntry[]): string {
  const hash = createHash('sha256').update(members.map((m) => m.key).sort().join('\n')).digest('base64url').slice(0, 22);
  const first = members[0];
  const notifierPart = first.key.slice(`${first.alert.id}-${first.alert.state}-`.length);
  return `${hash}-bundle-${notifierPart}`;
}
