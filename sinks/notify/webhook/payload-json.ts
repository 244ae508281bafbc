import type { Alert } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import type { AlertLink } from '../view/kibana-link';

/**
 * `format: json`: the alert as Vigil has it, with the delivery key receivers deduplicate by; a
 * `group_window` bundle has `alerts`, an array of the same, instead of `alert`.
 */
export function jsonPayload(n: Notification, link: (a: Alert) => AlertLink | undefined): Record<string, unknown> {
  const withLink = (a: Alert) => {
    const l = link(a);
    return { ...(l?.url ? { kibana_url: l.url } : {}), ...(l?.note ? { kibana_url_note: l.note } : {}) };
  };
  if (n.alerts.length === 1) return { key: n.key, notifier: n.notifier, alert: n.alerts[0], ...withLink(n.alerts[0]) };
  return { key: n.key, notifier: n.notifier, alerts: n.alerts.map((a) => ({ ...a, ...withLink(a) })) };
}
