import type { Alert } from '../../../rules';
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

/**
 * The longest URL Vigil puts in a message: Slack's limit for a Block Kit button's `url` (3,000
 * characters), the tightest of the receivers; every format and the email use it, so all show the same link.
 */
export const MAX_MESSAGE_URL_CHARS = 3000;

/** The Discover link a message shows (when it fits), and a sentence to show when it had to give something up. */
export interface AlertLink { url?: string; note?: string }

/**
 * The Discover link of an alert as a message carries it (capped at {@link MAX_MESSAGE_URL_CHARS}):
 * the full link; when that is too long (a group value of 100k characters), the link with the rule's
 * query alone, without the group filter, and a note saying so; when even that is too long, a note only.
 */
export function alertDiscoverLink(kibanaUrl: string, alert: Alert): AlertLink {
  const full = kibanaDiscoverUrl(kibanaUrl, alert);
  if (full.length <= MAX_MESSAGE_URL_CHARS) return { url: full };
  const why = `with the group filter it would be ${full.length} characters, over the ${MAX_MESSAGE_URL_CHARS} a message link may have`;
  if (alert.where !== undefined) {
    const ungrouped = kibanaDiscoverUrl(kibanaUrl, { ...alert, query: alert.where });
    if (ungrouped.length <= MAX_MESSAGE_URL_CHARS) {
      return { url: ungrouped, note: `The Kibana link shows every event of the rule in the time range, not only this group: ${why}.` };
    }
  }
  return { note: `No Kibana link: ${alert.where !== undefined ? `even without the group filter it is over ${MAX_MESSAGE_URL_CHARS} characters` : why}.` };
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

