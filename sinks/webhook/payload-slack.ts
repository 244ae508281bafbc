import type { Alert } from '../../rules/alerts/alert';
import type { Notification } from '../outbox/delivery';
import { display, groupLabel, stateWord, summaryRows } from '../alert-view/alert-summary';

/** Slack's mrkdwn treats only these three as markup; a log line must not become a link or mention. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack takes at most 50 blocks a message: about ten alerts in full, a line for the rest. */
const MAX_ALERTS_SHOWN = 10;
const SAMPLES_SHOWN = 5;

/**
 * `format: slack`: an incoming-webhook body. `text` is the notification preview (and what clients
 * without blocks show); `blocks` hold, per alert, the fields, the newest samples and the Kibana
 * link; the delivery key is in a context line so a repeat can be recognised.
 */
export function slackPayload(n: Notification, link: (a: Alert) => string | undefined): Record<string, unknown> {
  const blocks: Array<Record<string, unknown>> = [];
  if (n.alerts.length > 1) blocks.push({ type: 'header', text: { type: 'plain_text', text: `${n.alerts.length} alerts` } });
  for (const a of n.alerts.slice(0, MAX_ALERTS_SHOWN)) blocks.push(...alertBlocks(a, link(a)));
  if (n.alerts.length > MAX_ALERTS_SHOWN) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: esc(`and ${n.alerts.length - MAX_ALERTS_SHOWN} more: ${n.alerts.slice(MAX_ALERTS_SHOWN).map(headline).join('; ')}`).slice(0, 3000) } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Vigil delivery ${esc(n.key)}` }] });
  const text = n.alerts.length === 1 ? headline(n.alerts[0]) : `${n.alerts.length} alerts: ${n.alerts.map(headline).join('; ')}`;
  return { text: esc(text).slice(0, 3000), blocks };
}

function headline(a: Alert): string {
  return `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
}

function alertBlocks(a: Alert, kibanaLink: string | undefined): Array<Record<string, unknown>> {
  const fields = summaryRows(a).filter((r) => r.label !== 'Alert id').map((r) => ({ type: 'mrkdwn', text: `*${esc(r.label)}*\n${esc(r.value)}` }));
  const samples = a.samples.slice(-SAMPLES_SHOWN).map((s) => `• ${esc([s['@timestamp'], s['log.level'], s.message ?? s['event.code']].filter((v) => v !== undefined).map(display).join('  '))}`);
  const out: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: headline(a).slice(0, 150) } },
    // a section takes at most 10 fields
    { type: 'section', fields: fields.slice(0, 10) },
  ];
  if (samples.length) out.push({ type: 'section', text: { type: 'mrkdwn', text: `*Samples (newest last)*\n${samples.join('\n')}`.slice(0, 3000) } });
  if (kibanaLink) out.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Kibana Discover' }, url: kibanaLink }] });
  return out;
}
