import type { OutboxEntry } from '../outbox/alert-outbox';
import { MAX_SAMPLES } from '../../rules/alerts/alert';
import { display, groupLabel, stateWord, summaryRows } from '../alert-view/alert-summary';

/**
 * `format: teams`: an Adaptive Card in the message envelope that Teams incoming webhooks and
 * Workflows ("When a Teams webhook request is received") accept. Card text is plain (TextBlock
 * renders a little markdown, so samples go into FactSet values, which do not).
 */
export function teamsPayload(entry: OutboxEntry, kibanaLink?: string): Record<string, unknown> {
  const a = entry.alert;
  const headline = `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
  const facts = summaryRows(a).map((r) => ({ title: r.label, value: r.value }));
  const samples = a.samples.slice(-MAX_SAMPLES).map((s, i) => ({
    title: `${i + 1}.`,
    value: [s['@timestamp'], s['log.level'], s.message ?? s['event.code']].filter((v) => v !== undefined).map(display).join('  '),
  }));
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', size: 'Large', weight: 'Bolder', wrap: true, text: headline, color: a.state === 'resolved' ? 'Good' : 'Attention' },
    { type: 'FactSet', facts },
  ];
  if (samples.length) body.push({ type: 'TextBlock', weight: 'Bolder', text: 'Samples (newest last)' }, { type: 'FactSet', facts: samples });
  body.push({ type: 'TextBlock', isSubtle: true, size: 'Small', wrap: true, text: `Vigil delivery ${entry.key}` });
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body,
        ...(kibanaLink ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Kibana Discover', url: kibanaLink }] } : {}),
      },
    }],
  };
}
