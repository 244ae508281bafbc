import type { OutboxEntry } from '../outbox/alert-outbox';
import { MAX_SAMPLES } from '../../rules/alerts/alert';
import { display, groupLabel, stateWord, summaryRows } from '../alert-view/alert-summary';

/** Slack's mrkdwn treats only these three as markup; a log line must not become a link or mention. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `format: slack`: an incoming-webhook body. `text` is the notification preview (and what clients
 * without blocks show); `blocks` hold the fields, the newest samples and the Kibana link; the
 * delivery key is in a context line so a repeat can be recognised.
 */
export function slackPayload(entry: OutboxEntry, kibanaLink?: string): Record<string, unknown> {
  const a = entry.alert;
  const headline = `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
  const fields = summaryRows(a).filter((r) => r.label !== 'Alert id').map((r) => ({ type: 'mrkdwn', text: `*${esc(r.label)}*\n${esc(r.value)}` }));
  const samples = a.samples.slice(-Math.min(MAX_SAMPLES, 5)).map((s) => `• ${esc([s['@timestamp'], s['log.level'], s.message ?? s['event.code']].filter((v) => v !== undefined).map(display).join('  '))}`);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } },
    // a section takes at most 10 fields
    { type: 'section', fields: fields.slice(0, 10) },
  ];
  if (samples.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Samples (newest last)*\n${samples.join('\n')}`.slice(0, 3000) } });
  if (kibanaLink) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Kibana Discover' }, url: kibanaLink }] });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Vigil delivery ${esc(entry.key)}` }] });
  return { text: esc(headline), blocks };
}
