/** Small text helpers shared by the backtest report formats. */
import type { BacktestAlert, BacktestReport } from './report-data';

/** Escapes a value for HTML text and attribute values (both quote kinds). */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A group value as text: strings as they are, anything else as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** "field=value, field=value" from the alert's group values, else its group key, else "-". */
export function groupLabel(alert: BacktestAlert): string {
  const entries = Object.entries(alert.groupValues ?? {});
  if (entries.length > 0) return entries.map(([k, v]) => `${k}=${valueText(v)}`).join(', ');
  return alert.group ? alert.group : '-';
}

/** Milliseconds of an ISO time, or undefined when it is missing or not a time. */
export function timeMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** "2026-01-01 10:00:03Z" for a readable ISO time; the raw text otherwise. */
export function shortTime(iso: string | undefined): string {
  const ms = timeMs(iso);
  if (ms === undefined) return iso ?? '-';
  const s = new Date(ms).toISOString();
  const frac = s.slice(19, 23) === '.000' ? '' : s.slice(19, 23);
  return `${s.slice(0, 10)} ${s.slice(11, 19)}${frac}Z`;
}

/** A number with at most 2 decimals, no trailing zeros. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** "30s", "5m", "2h", "1d" or "1500ms" for a window length. */
export function durationText(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Alerts in report order: by first event (else alert time), then time, rule, id. */
export function sortAlerts(alerts: readonly BacktestAlert[]): BacktestAlert[] {
  const key = (a: BacktestAlert): number => timeMs(a.firstEvent) ?? timeMs(a.at) ?? Number.POSITIVE_INFINITY;
  return [...alerts].sort((a, b) =>
    key(a) - key(b)
    || (timeMs(a.at) ?? 0) - (timeMs(b.at) ?? 0)
    || cmp(a.rule, b.rule)
    || cmp(a.id, b.id));
}

/**
 * Alerts in the order of the time the table and HTML show for each (`at`: when it fired, or resolved),
 * then rule, firing before resolved, id.
 */
export function sortAlertsByShownTime(alerts: readonly BacktestAlert[]): BacktestAlert[] {
  return [...alerts].sort((a, b) =>
    (timeMs(a.at) ?? Number.POSITIVE_INFINITY) - (timeMs(b.at) ?? Number.POSITIVE_INFINITY)
    || cmp(a.rule, b.rule)
    || cmp(a.state, b.state)
    || cmp(a.id, b.id));
}

/** The state as the table and HTML show it: a firing alert still firing at the end says so. */
export function stateText(alert: BacktestAlert): string {
  return alert.openAtEnd ? 'firing, open at end' : alert.state;
}

/** Lines about the events a backtest left out and where its event time stopped (table and HTML). */
export function inputNotes(report: BacktestReport): string[] {
  const out = leftOutNotes(report);
  if (report.end) out.push(`event time stopped at ${shortTime(report.end)}: alerts still firing then are marked "open at end"`);
  return out;
}

/** Lines about the events a backtest left out of its windows (also printed on stderr). */
export function leftOutNotes(report: BacktestReport): string[] {
  const out: string[] = [];
  if (report.untimed === 1) out.push('1 event without a time of its own and no event before it in its file: left out of the windows');
  else if (report.untimed) out.push(`${report.untimed} events without a time of their own and no event before them in their file: left out of the windows`);
  if (report.afterUntil) out.push(`${report.afterUntil} event${report.afterUntil === 1 ? '' : 's'} after --until left out`);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
