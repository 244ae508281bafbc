import type { Alert } from '../../rules/alerts/alert';
import { risonString, risonWord } from './rison';

/**
 * The Kibana Discover link of an alert (SPEC 4): the alert's query (the rule's `where` narrowed to
 * the group, KQL) over a time range that covers the window and every event the alert counted.
 * Discover keeps its state in the hash: `_g=(time:(from:'…',to:'…'))` and
 * `_a=(query:(language:kuery,query:'…'))`, rison-encoded and then URL-encoded.
 */
export function kibanaDiscoverUrl(kibanaUrl: string, alert: Alert): string {
  const { from, to } = alertTimeRange(alert);
  const g = `(time:(from:${risonString(from)},to:${risonString(to)}))`;
  const a = `(query:(language:${risonWord('kuery')},query:${risonString(alert.query)}))`;
  return `${kibanaUrl.replace(/\/+$/, '')}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`;
}

/** The earliest and latest of the window and the events (ISO); a resolved alert runs to resolved_at. */
export function alertTimeRange(alert: Alert): { from: string; to: string } {
  const times = [alert.window.start, alert.window.end, alert.first_event, alert.last_event, alert.resolved_at]
    .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)))
    .map((t) => Date.parse(t));
  const from = new Date(Math.min(...times)).toISOString();
  // Discover's `to` is inclusive to the millisecond: one more second shows the last event for sure
  const to = new Date(Math.max(...times) + 1000).toISOString();
  return { from, to };
}

