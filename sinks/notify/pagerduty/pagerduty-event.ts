import type { Alert } from '../../../rules';
import { summaryRows } from '../view/alert-summary';
import { alertHeadline, sampleLine } from '../view/alert-lines';
import type { AlertLink } from '../view/kibana-link';

/** PagerDuty's severities, from Vigil's (PagerDuty has no "high" or "low"). */
const SEVERITY: Record<Alert['severity'], 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
};

/** PagerDuty cuts nothing for us: `summary` may have at most 1024 characters, `dedup_key` 255. */
const MAX_SUMMARY = 1024;
const SAMPLES_SHOWN = 5;

/**
 * The Events API v2 event of an alert (PagerDuty, "Send an Alert Event"): `dedup_key` is the alert
 * id, so the resolve of an alert closes the PagerDuty alert its trigger opened, and a repeat of
 * either (a retry, a re-send after a crash) changes nothing. A trigger carries the headline as
 * `summary`, the host (the group's or a sample's `host.name`) as `source`, the rule as `class`, the
 * alert's rows, newest samples and delivery key as `custom_details`, and the Discover link; a
 * resolve needs nothing but the key.
 */
export function pagerdutyEvent(routingKey: string, a: Alert, deliveryKey: string, link: AlertLink | undefined): Record<string, unknown> {
  if (a.state === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: a.id };
  const headline = alertHeadline(a);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: a.id,
    payload: {
      summary: headline.length > MAX_SUMMARY ? `${headline.slice(0, MAX_SUMMARY - 1)}…` : headline,
      source: sourceOf(a),
      severity: SEVERITY[a.severity],
      timestamp: a.fired_at,
      class: a.rule,
      custom_details: {
        ...Object.fromEntries(summaryRows(a).map((r) => [r.label, r.value])),
        samples: a.samples.slice(-SAMPLES_SHOWN).map(sampleLine),
        ...(link?.note ? { kibana_link_note: link.note } : {}),
        vigil_delivery: deliveryKey,
      },
    },
    client: 'Vigil',
    ...(link?.url ? { client_url: link.url, links: [{ href: link.url, text: 'Open in Kibana Discover' }] } : {}),
  };
}

/** "The unique location of the affected system": the group's host, else the newest sample's, else "vigil". */
function sourceOf(a: Alert): string {
  const host = a.group['host.name'] ?? [...a.samples].reverse().find((s) => typeof s['host.name'] === 'string')?.['host.name'];
  return typeof host === 'string' && host !== '' ? host : 'vigil';
}
