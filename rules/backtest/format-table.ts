/**
 * `vigil backtest --format table`: a plain-text table for a terminal.
 * One row per alert (when it fired or resolved, rule, severity, state, group, count), in the order of
 * that time, columns fitted to their content and capped, long values cut with "…"; then a per-rule
 * summary and notes on the events left out.
 * With no alerts: a single "no alerts" line (and the notes).
 */
import type { BacktestReport } from './report-data';
import { groupLabel, inputNotes, shortTime, sortAlertsByShownTime, stateText } from './report-text';

export interface TableOptions {
  /** Longest a column may get (characters) before its values are cut with "…". */
  maxWidths?: Partial<Record<'time' | 'rule' | 'severity' | 'state' | 'group' | 'count', number>>;
}

const DEFAULT_MAX = { time: 25, rule: 40, severity: 8, state: 19, group: 48, count: 10 };

interface Column { title: string; max: number; right?: boolean }

/** Control characters (newlines, ANSI escapes) made visible so a value cannot break or restyle the table. */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Cuts a value to `max` characters (code points), ending it with "…" when cut. */
export function elide(value: string, max: number): string {
  const chars = [...value];
  if (chars.length <= max) return value;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  return `${chars.slice(0, max - 1).join('')}…`;
}

function renderTable(columns: Column[], rows: string[][]): string[] {
  const cells = rows.map((row) => row.map((v, i) => elide(printable(v), columns[i].max)));
  const widths = columns.map((c, i) => Math.max([...c.title].length, ...cells.map((r) => [...r[i]].length)));
  const line = (row: string[]): string => row
    .map((v, i) => {
      const pad = ' '.repeat(widths[i] - [...v].length);
      return columns[i].right ? pad + v : v + pad;
    })
    .join('  ')
    .trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}

export function formatTable(report: BacktestReport, options: TableOptions = {}): string {
  const alerts = sortAlertsByShownTime(report.alerts);
  const notes = inputNotes(report);
  if (alerts.length === 0) {
    return [`no alerts (${report.events} events, ${report.rules.length} rules)`, ...notes].join('\n') + '\n';
  }
  const max = { ...DEFAULT_MAX, ...options.maxWidths };
  const alertRows = alerts.map((a) => [shortTime(a.at), a.rule, a.severity, stateText(a), groupLabel(a), String(a.count)]);
  const out = renderTable([
    { title: 'FIRED/RESOLVED AT', max: max.time },
    { title: 'RULE', max: max.rule },
    { title: 'SEVERITY', max: max.severity },
    { title: 'STATE', max: max.state },
    { title: 'GROUP', max: max.group },
    { title: 'COUNT', max: max.count, right: true },
  ], alertRows);

  // Per-rule summary: every rule of the report, then rules seen only in alerts.
  const ruleIds = [...report.rules.map((r) => r.rule)];
  for (const a of alerts) if (!ruleIds.includes(a.rule)) ruleIds.push(a.rule);
  const summaryRows = ruleIds.map((id) => {
    const series = report.rules.find((r) => r.rule === id);
    const matched = series ? series.buckets.reduce((n, b) => n + b.count, 0) : undefined;
    const mine = alerts.filter((a) => a.rule === id);
    return [
      id,
      matched === undefined ? '-' : String(matched),
      String(mine.filter((a) => a.state === 'firing').length),
      String(mine.filter((a) => a.state === 'resolved').length),
    ];
  });
  const summary = renderTable([
    { title: 'RULE', max: max.rule },
    { title: 'EVENTS MATCHED', max: 14, right: true },
    { title: 'ALERTS FIRED', max: 12, right: true },
    { title: 'RESOLVED', max: 8, right: true },
  ], summaryRows);

  const firing = alerts.filter((a) => a.state === 'firing').length;
  const total = `${alerts.length} alerts (${firing} firing, ${alerts.length - firing} resolved) over ${report.events} events`;
  return [...out, '', ...summary, '', total, ...notes].join('\n') + '\n';
}
