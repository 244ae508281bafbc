/**
 * `vigil backtest --format html`: one self-contained HTML file (inline CSS and SVG only:
 * no scripts, no external styles, fonts or images), so it can be mailed and opened offline.
 * Header (inputs, events, time range, totals, problems), then per rule: its id, description,
 * type, window, condition, KQL, a timeline chart (timeline-svg.ts) and a table of its alerts.
 * Every value from the rules, the inputs or the events is HTML-escaped.
 */
import type { BacktestAlert, BacktestReport, RuleSeries } from './report-data';
import { durationText, escapeHtml as esc, groupLabel, inputNotes, numberText, shortTime, sortAlertsByShownTime, stateText, timeMs } from './report-text';
import { renderTimelineSvg } from './timeline-svg';

const STYLE = `
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222; margin: 24px; max-width: 1040px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 0 0 4px; font-family: ui-monospace, Menlo, Consolas, monospace; }
header dl, .rule dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
dt { color: #666; } dd { margin: 0; }
code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
code.kql { background: #f4f5f7; padding: 1px 4px; border-radius: 3px; white-space: pre-wrap; word-break: break-word; }
section.rule { border-top: 1px solid #ddd; padding: 18px 0; }
.description { margin: 2px 0 8px; color: #444; }
table { border-collapse: collapse; margin-top: 10px; font-size: 13px; }
th, td { border-bottom: 1px solid #e6e6e6; padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
td.time { white-space: nowrap; }
.sev-critical, .sev-high { color: #b71c1c; font-weight: 600; } .sev-medium { color: #c25e00; }
.state-firing { color: #c62828; } .state-resolved { color: #2e7d32; }
.problems { background: #fff4e5; border: 1px solid #f0c36d; padding: 8px 12px; }
.none { color: #666; font-style: italic; }
svg.timeline { display: block; max-width: 100%; height: auto; margin-top: 8px; }
`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function ruleAnchor(id: string, index: number): string {
  return `rule-${index}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function condition(rule: RuleSeries): string {
  switch (rule.type) {
    case 'threshold': return rule.threshold === undefined ? 'count in window' : `count ≥ ${numberText(rule.threshold)} within ${durationText(rule.windowMs)}`;
    case 'flatline': return rule.threshold === undefined ? 'count falls in window' : `count < ${numberText(rule.threshold)} within ${durationText(rule.windowMs)} (for a group seen before)`;
    case 'spike': return `count in ${durationText(rule.windowMs)} ≥ ${numberText(rule.ratio ?? 1)} × baseline average`;
    case 'pattern': return 'every matching event';
    case 'new_term': return `a value of ${(rule.watched ?? []).join(' + ')} not seen within ${durationText(rule.historyMs ?? 0)}`;
    case 'change': return `${(rule.watched ?? []).join('')} changes${rule.historyMs ? ` (previous value seen within ${durationText(rule.historyMs)})` : ''}`;
    default: return rule.condition ?? '';
  }
}

function alertTable(alerts: BacktestAlert[]): string {
  if (alerts.length === 0) return '<p class="none">no alerts</p>';
  const rows = alerts.map((a) => `<tr class="alert ${esc(a.state)}">`
    + `<td class="mono time">${esc(shortTime(a.at))}</td>`
    + `<td class="state-${esc(a.state)}">${esc(stateText(a))}</td>`
    + `<td class="sev-${esc(a.severity)}">${esc(a.severity)}</td>`
    + `<td class="mono">${esc(groupLabel(a))}</td>`
    + `<td class="num">${esc(a.count)}</td>`
    + `<td class="num">${a.reference === undefined ? '' : esc(numberText(a.reference))}</td>`
    + `<td class="mono time">${esc(a.firstEvent ? shortTime(a.firstEvent) : '')}</td>`
    + `<td class="mono time">${esc(a.lastEvent ? shortTime(a.lastEvent) : '')}</td>`
    + `<td class="mono">${esc(a.id)}</td></tr>`);
  return '<table class="alerts"><thead><tr><th>fired/resolved at</th><th>state</th><th>severity</th><th>group</th>'
    + '<th class="num">count</th><th class="num">reference</th><th>first event</th><th>last event</th><th>id</th></tr></thead>'
    + `<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function ruleSection(rule: RuleSeries, index: number, alerts: BacktestAlert[], report: BacktestReport): string {
  const matched = rule.buckets.reduce((n, b) => n + (Number.isFinite(b.count) ? b.count : 0), 0);
  const firing = alerts.filter((a) => a.state === 'firing').length;
  const unplaced = alerts.filter((a) => timeMs(a.at) === undefined).length;
  return `<section class="rule" id="${ruleAnchor(rule.rule, index)}" data-rule="${esc(rule.rule)}">
<h2>${esc(rule.rule)}</h2>
${rule.description ? `<p class="description">${esc(rule.description)}</p>` : ''}
<dl>
<dt>type</dt><dd>${esc(rule.type)}</dd>
<dt>where</dt><dd><code class="kql">${esc(rule.where)}</code></dd>
<dt>window</dt><dd>${esc(durationText(rule.windowMs))}</dd>
<dt>fires when</dt><dd>${esc(condition(rule))}</dd>
<dt>matched</dt><dd>${plural(matched, 'event')}; ${plural(firing, 'alert')} fired, ${alerts.length - firing} resolved</dd>
</dl>
${renderTimelineSvg(rule, alerts, { from: report.from, to: report.to })}
${unplaced ? `<p class="none">${unplaced} alerts have no readable time and are not on the chart</p>` : ''}
${alertTable(alerts)}
</section>`;
}

export function formatHtml(report: BacktestReport): string {
  const alerts = sortAlertsByShownTime(report.alerts);
  const notes = inputNotes(report);
  const known = new Set(report.rules.map((r) => r.rule));
  const orphans = alerts.filter((a) => !known.has(a.rule));
  const firing = alerts.filter((a) => a.state === 'firing').length;
  const range = report.from || report.to ? `${esc(shortTime(report.from))} – ${esc(shortTime(report.to))}` : 'unknown';
  const inputs = report.input.length ? `<ul class="inputs">${report.input.map((f) => `<li class="mono">${esc(f)}</li>`).join('')}</ul>` : '<span class="none">none</span>';
  const problems = report.problems.length
    ? `<div class="problems"><strong>${plural(report.problems.length, 'problem')}</strong><ul>${report.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></div>`
    : '';
  const toc = report.rules.map((r, i) => {
    const n = alerts.filter((a) => a.rule === r.rule && a.state === 'firing').length;
    return `<li><a href="#${ruleAnchor(r.rule, i)}">${esc(r.rule)}</a> — ${n} fired</li>`;
  }).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil backtest report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Vigil backtest report</h1>
<dl>
<dt>generated</dt><dd class="mono">${esc(shortTime(report.generatedAt))}</dd>
<dt>input</dt><dd>${inputs}</dd>
<dt>events</dt><dd class="events">${esc(report.events)}</dd>
${notes.length ? `<dt>note</dt><dd class="notes">${notes.map(esc).join('<br>')}</dd>` : ''}
<dt>time range</dt><dd class="mono range">${range}</dd>
<dt>alerts</dt><dd>${alerts.length} (${firing} firing, ${alerts.length - firing} resolved) from ${plural(report.rules.length, 'rule')}</dd>
</dl>
${problems}
${toc ? `<ul class="toc">${toc}</ul>` : ''}
</header>
<main>
${alerts.length === 0 ? '<p class="none no-alerts">no alerts would have fired</p>' : ''}
${report.rules.map((r, i) => ruleSection(r, i, alerts.filter((a) => a.rule === r.rule), report)).join('\n')}
${orphans.length ? `<section class="rule orphans"><h2>alerts of rules without a series</h2>${alertTable(orphans)}</section>` : ''}
</main>
</body>
</html>
`;
}
