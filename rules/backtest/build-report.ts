import { lowerBound } from '../sorted-search';
import { RULE_DEFAULTS } from '../defaults';
import type { LoadedRules } from '../types';
import type { Alert } from '../alerts/alert';
import type { ReplayResult } from './replay';
import { measureCondition } from './measure-condition';
import type { BacktestAlert, BacktestReport, RuleBucket, RuleSeries } from './report-data';

/** At most this many buckets per rule chart: a month of 1-minute windows is shown in wider buckets. */
const MAX_BUCKETS = 500;

/** Turns a replay into the report the formats render: alerts, and per rule its matches per window. */
export function buildReport(rules: LoadedRules, r: ReplayResult): BacktestReport {
  const series: RuleSeries[] = [];
  for (const def of rules.rules) {
    if (!def.enabled) continue;
    const windowMs = def.window_ms ?? RULE_DEFAULTS.window_ms;
    const times = (r.matches.get(def.id) ?? []).slice().sort((a, b) => a - b);
    const s: RuleSeries = { rule: def.id, type: def.type, where: def.where, windowMs, buckets: [] };
    if (def.description) s.description = def.description;
    if (def.type === 'threshold' || def.type === 'flatline') s.threshold = def.threshold ?? 1;
    if (def.type === 'spike') s.ratio = def.ratio ?? 3;
    const condition = measureCondition(def);
    if (condition !== undefined) s.condition = condition;
    if (def.type === 'new_term') Object.assign(s, { watched: def.fields, historyMs: def.history_ms ?? RULE_DEFAULTS.new_term_history_ms });
    if (def.type === 'change') Object.assign(s, { watched: [def.field ?? ''], historyMs: def.window_ms });
    if (r.from !== undefined && r.to !== undefined) s.buckets = bucketsOf(times, r.from, r.to, windowMs, def.type === 'spike' ? def.baseline_ms ?? 0 : 0);
    series.push(s);
  }
  const report: BacktestReport = {
    generatedAt: new Date().toISOString(),
    input: r.files,
    events: r.events,
    from: r.from !== undefined ? new Date(r.from).toISOString() : undefined,
    to: r.to !== undefined ? new Date(r.to).toISOString() : undefined,
    rules: series,
    alerts: r.alerts.map((a) => toReportAlert(a, r.openAtEnd.has(a.id))),
    problems: r.problems,
  };
  if (r.untimed > 0) report.untimed = r.untimed;
  if (r.afterUntil > 0) report.afterUntil = r.afterUntil;
  if (r.end !== undefined) report.end = new Date(r.end).toISOString();
  return report;
}

function toReportAlert(a: Alert, open: boolean): BacktestAlert {
  const b: BacktestAlert = {
    id: a.id, rule: a.rule, group: a.groupKey, groupValues: a.group, severity: a.severity, state: a.state,
    at: a.state === 'resolved' ? a.resolved_at ?? a.fired_at : a.fired_at, count: a.count,
    firstEvent: a.first_event, lastEvent: a.last_event,
  };
  if (a.reference !== undefined) b.reference = a.reference;
  if (open && a.state === 'firing') b.openAtEnd = true;
  if (a.value !== undefined) b.value = a.value;
  return b;
}

/** Counts per bucket (a whole number of windows wide); spike rules also get the baseline average per window. */
function bucketsOf(times: number[], from: number, to: number, windowMs: number, baselineMs: number): RuleBucket[] {
  const span = Math.max(1, to - from);
  const size = windowMs * Math.max(1, Math.ceil(span / windowMs / MAX_BUCKETS));
  const first = Math.floor(from / size) * size;
  const n = Math.floor((to - first) / size) + 1;
  const out: RuleBucket[] = [];
  let i = 0;
  for (let k = 0; k < n; k++) {
    const start = first + k * size;
    let count = 0;
    while (i < times.length && times[i] < start + size) { if (times[i] >= start) count++; i++; }
    const b: RuleBucket = { start: new Date(start).toISOString(), count };
    if (baselineMs > 0) b.baseline = countIn(times, start - baselineMs, start) / (baselineMs / windowMs) * (size / windowMs);
    out.push(b);
  }
  return out;
}

/** Events in [a, b) of a sorted list. */
function countIn(sorted: number[], a: number, b: number): number {
  return lowerBound(sorted, b) - lowerBound(sorted, a);
}
