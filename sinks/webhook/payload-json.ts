import type { OutboxEntry } from '../outbox/alert-outbox';

/** `format: json`: the alert as Vigil has it, with the delivery key receivers deduplicate by. */
export function jsonPayload(entry: OutboxEntry, kibanaLink?: string): Record<string, unknown> {
  return {
    key: entry.key,
    notifier: entry.notifier,
    alert: entry.alert,
    ...(kibanaLink ? { kibana_url: kibanaLink } : {}),
  };
}
