import { MAX_SAMPLES, type Alert } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import type { AlertLink } from '../view/kibana-link';
import { groupLabel, sampleLine, samplesHeading, stateWord, summaryRows, topCountRows, topCountsHeading } from '../view/alert-summary';
import { teamsText } from './teams-markdown';

/**
 * `format: teams`: an Adaptive Card in the message envelope that Teams incoming webhooks and
 * Workflows ("When a Teams webhook request is received") accept; per alert a headline, its facts,
 * its samples and its Discover link (a bundle's alerts follow one another). Teams renders markdown
 * in TextBlock text and in FactSet titles and values, so every value that comes from events is
 * escaped ({@link teamsText}).
 */
export function teamsPayload(n: Notification, link: (a: Alert) => AlertLink | undefined): Record<string, unknown> {
  const body: Array<Record<string, unknown>> = [];
  if (n.alerts.length > 1) body.push({ type: 'TextBlock', size: 'Large', weight: 'Bolder', text: `${n.alerts.length} alerts` });
  for (const a of n.alerts) body.push(...alertElements(a, link(a), n.alerts.length > 1));
  body.push({ type: 'TextBlock', isSubtle: true, size: 'Small', wrap: true, text: `Vigil delivery ${n.key}` });
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
    }],
  };
}

function alertElements(a: Alert, kibanaLink: AlertLink | undefined, separated: boolean): Array<Record<string, unknown>> {
  const headline = `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
  const samples = a.samples.slice(-MAX_SAMPLES).map((s, i) => ({
    title: `${i + 1}\\.`,
    value: teamsText(sampleLine(a, s)),
  }));
  const top = topCountRows(a).map((r) => ({ title: teamsText(r.label), value: teamsText(r.value) }));
  const out: Array<Record<string, unknown>> = [
    { type: 'TextBlock', size: separated ? 'Medium' : 'Large', weight: 'Bolder', wrap: true, separator: separated, text: teamsText(headline), color: a.state === 'resolved' ? 'Good' : 'Attention' },
    { type: 'FactSet', facts: summaryRows(a).map((r) => ({ title: r.label, value: teamsText(r.value) })) },
  ];
  if (top.length) out.push({ type: 'TextBlock', weight: 'Bolder', text: topCountsHeading(a) }, { type: 'FactSet', facts: top });
  if (samples.length) out.push({ type: 'TextBlock', weight: 'Bolder', text: teamsText(samplesHeading(a)) }, { type: 'FactSet', facts: samples });
  if (kibanaLink?.url) out.push({ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Open in Kibana Discover', url: kibanaLink.url }] });
  if (kibanaLink?.note) out.push({ type: 'TextBlock', isSubtle: true, size: 'Small', wrap: true, text: teamsText(kibanaLink.note) });
  return out;
}
