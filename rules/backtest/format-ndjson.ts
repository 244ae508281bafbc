/**
 * `vigil backtest --format ndjson`: one JSON object per alert, sorted by first event
 * (SPEC section 1), keys always in this order:
 * rule, severity, state, group, count, first_event, last_event, id, at,
 * then resolved_at (resolved alerts), open_at_end (firing alerts still firing where the backtest's
 * event time stopped), reference (when the engine gave one) and value (cardinality, metric, ratio:
 * what they measured).
 */
import type { BacktestAlert, BacktestReport } from './report-data';
import { sortAlerts } from './report-text';

/** The ndjson object of one alert, with its keys in the stable order. */
export function alertRecord(alert: BacktestAlert): Record<string, unknown> {
  const record: Record<string, unknown> = {
    rule: alert.rule,
    severity: alert.severity,
    state: alert.state,
    group: { ...(alert.groupValues ?? {}) },
    count: alert.count,
    first_event: alert.firstEvent ?? null,
    last_event: alert.lastEvent ?? null,
    id: alert.id,
    at: alert.at,
  };
  if (alert.state === 'resolved') record.resolved_at = alert.at;
  if (alert.openAtEnd) record.open_at_end = true;
  if (alert.reference !== undefined) record.reference = alert.reference;
  if (alert.value !== undefined) record.value = alert.value;
  return record;
}

/** The whole ndjson output: one line per alert, each ending in "\n"; "" when there are none. */
export function formatNdjson(report: BacktestReport): string {
  return sortAlerts(report.alerts).map((a) => `${JSON.stringify(alertRecord(a))}\n`).join('');
}
