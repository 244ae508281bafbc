import type { Alert } from '../../rules/alerts/alert';
import { MAX_SAMPLES } from '../../rules/alerts/alert';
import { display, groupLabel, sampleColumns, stateWord, summaryRows } from '../alert-view/alert-summary';
import { kibanaDiscoverUrl } from '../alert-view/kibana-link';
import { escapeHtml } from './html-escape';

export interface EmailBody { text: string; html: string }

/**
 * The text and HTML parts of an alert email (SPEC 4): rule, description, severity, state, group,
 * count, first/last event, window, up to 10 samples and the Kibana Discover link. Every value that
 * comes from events or rules is escaped in the HTML part: log lines are attacker-controlled input.
 */
export function renderEmail(alert: Alert, opts: { kibanaUrl?: string }): EmailBody {
  const rows = summaryRows(alert);
  const samples = alert.samples.slice(-MAX_SAMPLES);
  const columns = sampleColumns(samples);
  const link = opts.kibanaUrl ? kibanaDiscoverUrl(opts.kibanaUrl, alert) : undefined;
  const headline = `${stateWord(alert)}: ${alert.rule} (${alert.severity}) on ${groupLabel(alert.group)}`;
  const sampleNote = `Sample events (${samples.length} of ${alert.count}, newest last)`;

  const width = Math.max(...rows.map((r) => r.label.length)) + 2;
  const text = [
    headline,
    '',
    ...rows.map((r) => `${`${r.label}:`.padEnd(width)}${r.value}`),
    ...(link ? ['', `Kibana Discover: ${link}`] : []),
    '',
    ...(samples.length ? [`${sampleNote}:`, ...samples.map((s, i) => textSample(s, columns, i))] : ['No sample events.']),
    '',
    '-- ',
    'Sent by Vigil',
    '',
  ].join('\n');

  const e = escapeHtml;
  const cell = 'style="padding:2px 8px;border:1px solid #ddd;vertical-align:top"';
  const html = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">',
    `<h2 style="margin:0 0 8px">${e(headline)}</h2>`,
    '<table style="border-collapse:collapse">',
    ...rows.map((r) => `<tr><th align="left" ${cell}>${e(r.label)}</th><td ${cell}>${e(r.value)}</td></tr>`),
    '</table>',
    ...(link ? [`<p><a href="${e(link)}">Open in Kibana Discover</a></p>`] : []),
    ...(samples.length
      ? [
        `<h3>${e(sampleNote)}</h3>`,
        '<table style="border-collapse:collapse;font-size:12px">',
        `<tr>${columns.map((c) => `<th align="left" ${cell}>${e(c)}</th>`).join('')}</tr>`,
        ...samples.map((s) => `<tr>${columns.map((c) => `<td ${cell}>${e(display(s[c]))}</td>`).join('')}</tr>`),
        '</table>',
      ]
      : ['<p>No sample events.</p>']),
    '<p style="color:#888">Sent by Vigil</p>',
    '</body></html>',
    '',
  ].join('\n');
  return { text, html };
}

/** A sample in the text part: time, level and message on the first line, the other fields below. */
function textSample(s: Record<string, unknown>, columns: string[], i: number): string {
  const head = ['@timestamp', 'log.level', 'message'].filter((c) => s[c] !== undefined).map((c) => display(s[c]));
  const rest = columns.filter((c) => !['@timestamp', 'log.level', 'message'].includes(c) && s[c] !== undefined).map((c) => `${c}=${display(s[c])}`);
  const n = `${String(i + 1).padStart(2)}. `;
  return rest.length ? `${n}${head.join('  ')}\n    ${rest.join('  ')}` : `${n}${head.join('  ')}`;
}
