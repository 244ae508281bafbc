import type { Alert } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import type { AlertLink } from '../view/kibana-link';
import { samplesHeading, summaryRows } from '../view/alert-summary';
import { alertHeadline, sampleLine } from '../view/alert-lines';

/** Feishu takes a request body of at most 20 KB; Vigil keeps the card's JSON under this. */
export const FEISHU_MAX_CARD_BYTES = 19_000;

/** Shapes tried in order until the card fits: alerts shown in full, samples per alert, characters per value. */
const SHAPES = [
  { alerts: 10, samples: 5, chars: 300 },
  { alerts: 10, samples: 2, chars: 300 },
  { alerts: 5, samples: 0, chars: 300 },
  { alerts: 1, samples: 0, chars: 120 },
  { alerts: 1, samples: 0, chars: 40 },
] as const;
type Shape = (typeof SHAPES)[number];

/**
 * A Feishu / Lark custom bot message (`msg_type: interactive`): a card whose header is the headline
 * (red while firing, green once resolved), with per alert its rows as fields, its newest samples and
 * a button to Discover, and the delivery key in a note. Every text from events is a `plain_text`
 * element, which Feishu shows as written: no markdown, no `<at>` mention can come from a log line.
 * A bundle shows its first alerts in full and the rest as one line; a card that would be over
 * Feishu's size limit shows fewer samples, then fewer alerts, then shorter values.
 */
export function feishuCard(n: Notification, link: (a: Alert) => AlertLink | undefined): Record<string, unknown> {
  let card: Record<string, unknown> = {};
  for (const shape of SHAPES) {
    card = cardOf(n, link, shape);
    if (Buffer.byteLength(JSON.stringify(card), 'utf8') <= FEISHU_MAX_CARD_BYTES) break;
  }
  return card;
}

function cardOf(n: Notification, link: (a: Alert) => AlertLink | undefined, shape: Shape): Record<string, unknown> {
  const cut = (s: string) => (s.length > shape.chars ? `${s.slice(0, shape.chars - 1)}…` : s);
  const plain = (content: string) => ({ tag: 'plain_text', content });
  const elements: Array<Record<string, unknown>> = [];
  const alone = n.alerts.length === 1;
  n.alerts.slice(0, shape.alerts).forEach((a, i) => {
    if (i > 0) elements.push({ tag: 'hr' });
    if (!alone) elements.push({ tag: 'div', text: plain(cut(alertHeadline(a))) });
    const rows = summaryRows(a);
    elements.push({ tag: 'div', fields: rows.map((r) => ({ is_short: r.value.length <= 40, text: plain(`${r.label}: ${cut(r.value)}`) })) });
    const samples = a.samples.slice(-shape.samples);
    if (shape.samples > 0 && samples.length) elements.push({ tag: 'div', text: plain([samplesHeading(a), ...samples.map((s) => cut(sampleLine(s)))].join('\n')) });
    const l = link(a);
    if (l?.url) elements.push({ tag: 'action', actions: [{ tag: 'button', text: plain('Open in Kibana Discover'), type: 'primary', url: l.url }] });
    if (l?.note) elements.push({ tag: 'note', elements: [plain(l.note)] });
  });
  if (n.alerts.length > shape.alerts) {
    elements.push({ tag: 'hr' }, { tag: 'div', text: plain(cut(`and ${n.alerts.length - shape.alerts} more: ${n.alerts.slice(shape.alerts).map(alertHeadline).join('; ')}`)) });
  }
  elements.push({ tag: 'note', elements: [plain(`Vigil delivery ${n.key}`)] });
  const firing = n.alerts.some((a) => a.state === 'firing');
  const title = alone ? alertHeadline(n.alerts[0]) : `${n.alerts.length} alerts (${firing ? 'FIRING' : 'RESOLVED'})`;
  return {
    config: { wide_screen_mode: true },
    header: { title: plain(title.length > 100 ? `${title.slice(0, 99)}…` : title), template: firing ? 'red' : 'green' },
    elements,
  };
}
