import type { Alert } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import type { AlertLink } from '../view/kibana-link';
import { groupLabel, sampleLine, samplesHeading, stateWord, summaryRows, topCountRows, topCountsHeading } from '../view/alert-summary';
import { capMrkdwn, slackText } from './slack-mrkdwn';

/** Slack takes at most 50 blocks a message: about ten alerts in full, a line for the rest. */
const MAX_ALERTS_SHOWN = 10;
const SAMPLES_SHOWN = 5;
/** Slack's limit for a section's text and the message's `text` */
const MAX_TEXT = 3000;

/**
 * `format: slack`: an incoming-webhook body. `text` is the notification preview (and what clients
 * without blocks show); `blocks` hold, per alert, the fields, the newest samples and the Kibana
 * link; the delivery key is in a context line so a repeat can be recognised. Every value that comes
 * from events is made literal for mrkdwn ({@link slackText}); event text blocks are `verbatim`, so
 * Slack does not turn URLs or channel names in them into links either.
 */
export function slackPayload(n: Notification, link: (a: Alert) => AlertLink | undefined): Record<string, unknown> {
  const blocks: Array<Record<string, unknown>> = [];
  if (n.alerts.length > 1) blocks.push({ type: 'header', text: { type: 'plain_text', text: `${n.alerts.length} alerts` } });
  for (const a of n.alerts.slice(0, MAX_ALERTS_SHOWN)) blocks.push(...alertBlocks(a, link(a)));
  if (n.alerts.length > MAX_ALERTS_SHOWN) {
    blocks.push({ type: 'section', text: mrkdwn(capMrkdwn(slackText(`and ${n.alerts.length - MAX_ALERTS_SHOWN} more: ${n.alerts.slice(MAX_ALERTS_SHOWN).map(headline).join('; ')}`), MAX_TEXT)) });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(`Vigil delivery \`${n.key}\``)] });
  const text = n.alerts.length === 1 ? headline(n.alerts[0]) : `${n.alerts.length} alerts: ${n.alerts.map(headline).join('; ')}`;
  return { text: capMrkdwn(slackText(text), MAX_TEXT), blocks };
}

function headline(a: Alert): string {
  return `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
}

function mrkdwn(text: string): Record<string, unknown> {
  return { type: 'mrkdwn', text, verbatim: true };
}

function alertBlocks(a: Alert, kibanaLink: AlertLink | undefined): Array<Record<string, unknown>> {
  // a field's text is at most 2000 characters
  const fields = summaryRows(a).filter((r) => r.label !== 'Alert id').map((r) => mrkdwn(capMrkdwn(`*${r.label}*\n${slackText(r.value)}`, 2000)));
  const samples = a.samples.slice(-SAMPLES_SHOWN).map((s) => `• ${slackText(sampleLine(a, s))}`);
  const top = topCountRows(a).map((r) => `• ${slackText(r.label)}: ${slackText(r.value)}`);
  const out: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: headline(a).slice(0, 150) } },
    // a section takes at most 10 fields
    { type: 'section', fields: fields.slice(0, 10) },
  ];
  if (top.length) out.push({ type: 'section', text: mrkdwn(capMrkdwn(`*${topCountsHeading(a)}*\n${top.join('\n')}`, MAX_TEXT)) });
  if (samples.length) out.push({ type: 'section', text: mrkdwn(capMrkdwn(`*${samplesHeading(a)}*\n${samples.join('\n')}`, MAX_TEXT)) });
  if (kibanaLink?.url) out.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Kibana Discover' }, url: kibanaLink.url }] });
  if (kibanaLink?.note) out.push({ type: 'context', elements: [mrkdwn(slackText(kibanaLink.note))] });
  return out;
}
