import { MAX_SAMPLES, type Alert } from '../../../rules';
import { display, groupLabel, sampleColumns, samplesHeading, stateWord, summaryRows, topCountRows, topCountsHeading } from '../view/alert-summary';
import { alertDiscoverLink } from '../view/kibana-link';
import { alertView, renderTemplate } from '../view/template-view';
import { escapeHtml } from './html-escape';

export interface EmailBody { text: string; html: string }

const CELL = 'style="padding:2px 8px;border:1px solid #ddd;vertical-align:top"';

/**
 * The text and HTML parts of an alert email (SPEC 4): per alert, rule, description, severity, state,
 * group, count, first/last event, window, up to 10 samples and the Kibana Discover link; a
 * `group_window` bundle lists its alerts one after the other. Every value that comes from events or
 * rules is escaped in the HTML part: log lines are attacker-controlled input.
 */
export function renderEmail(alerts: Alert[], opts: { kibanaUrl?: string; body?: string }): EmailBody {
  const sections = alerts.map((a) => (opts.body !== undefined ? renderBodyTemplate(opts.body, a, opts.kibanaUrl) : renderAlert(a, opts.kibanaUrl)));
  const intro = alerts.length > 1 ? `${alerts.length} alerts` : undefined;
  const text = [
    ...(intro ? [`${intro}:`, ...alerts.map((a) => `- ${headline(a)}`), '', ''] : []),
    sections.map((s) => s.text).join('\n\n========================================\n\n'),
    '',
    '-- ',
    'Sent by Vigil',
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">',
    ...(intro ? [`<p><b>${escapeHtml(intro)}</b></p>`] : []),
    sections.map((s) => s.html).join('\n<hr>\n'),
    '<p style="color:#888">Sent by Vigil</p>',
    '</body></html>',
    '',
  ].join('\n');
  return { text, html };
}

function headline(a: Alert): string {
  return `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
}

/**
 * The notifier's `body` template filled in for one alert: the text part as rendered, the HTML part
 * the same text escaped (a template cannot put markup in the message, whatever the events hold).
 */
function renderBodyTemplate(template: string, alert: Alert, kibanaUrl: string | undefined): EmailBody {
  const text = renderTemplate(template, alertView(alert, kibanaUrl)).replace(/\s+$/, '');
  return { text, html: `<pre style="white-space:pre-wrap;font-family:inherit;margin:0">${escapeHtml(text)}</pre>` };
}

function renderAlert(alert: Alert, kibanaUrl: string | undefined): EmailBody {
  const rows = summaryRows(alert);
  const top = topCountRows(alert);
  const samples = alert.samples.slice(-MAX_SAMPLES);
  const columns = sampleColumns(samples, alert.sample_fields);
  const { url: link, note: linkNote } = kibanaUrl ? alertDiscoverLink(kibanaUrl, alert) : { url: undefined, note: undefined };
  const sampleNote = samplesHeading(alert, samples.length, 'Sample events');
  const width = Math.max(...rows.map((r) => r.label.length)) + 2;
  const text = [
    headline(alert),
    '',
    ...rows.map((r) => `${`${r.label}:`.padEnd(width)}${r.value}`),
    ...(link || linkNote ? [''] : []),
    ...(link ? [`Kibana Discover: ${link}`] : []),
    ...(linkNote ? [linkNote] : []),
    ...(top.length ? ['', `${topCountsHeading(alert)}:`, ...top.map((r) => `  ${r.label}: ${r.value}`)] : []),
    '',
    ...(samples.length ? [`${sampleNote}:`, ...samples.map((s, i) => textSample(s, columns, i))] : ['No sample events.']),
  ].join('\n');
  const e = escapeHtml;
  const html = [
    `<h2 style="margin:0 0 8px">${e(headline(alert))}</h2>`,
    '<table style="border-collapse:collapse">',
    ...rows.map((r) => `<tr><th align="left" ${CELL}>${e(r.label)}</th><td ${CELL}>${e(r.value)}</td></tr>`),
    '</table>',
    ...(link ? [`<p><a href="${e(link)}">Open in Kibana Discover</a></p>`] : []),
    ...(linkNote ? [`<p style="color:#888">${e(linkNote)}</p>`] : []),
    ...(top.length
      ? [
        `<h3>${e(topCountsHeading(alert))}</h3>`,
        '<table style="border-collapse:collapse">',
        ...top.map((r) => `<tr><th align="left" ${CELL}>${e(r.label)}</th><td ${CELL}>${e(r.value)}</td></tr>`),
        '</table>',
      ]
      : []),
    ...(samples.length
      ? [
        `<h3>${e(sampleNote)}</h3>`,
        '<table style="border-collapse:collapse;font-size:12px">',
        `<tr>${columns.map((c) => `<th align="left" ${CELL}>${e(c)}</th>`).join('')}</tr>`,
        ...samples.map((s) => `<tr>${columns.map((c) => `<td ${CELL}>${e(display(s[c]))}</td>`).join('')}</tr>`),
        '</table>',
      ]
      : ['<p>No sample events.</p>']),
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
