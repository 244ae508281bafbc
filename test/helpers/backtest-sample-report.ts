import type { BacktestAlert, BacktestReport, RuleSeries } from '../../rules/backtest/report-data';

// A backtest report to render in every format: two rules, five alerts, and hostile values the HTML must not run.

/** Markup in event values, rule text and file names: a report that runs it would change the page title. */
export const HOSTILE = `<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`;
/** The start of the sample's time range, with helpers to place times in it. */
export const T0 = Date.parse('2026-01-01T10:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();
export const MIN = 60_000;

/** An alert with the usual defaults (firing, high, count 1, no group). */
export function alert(over: Partial<BacktestAlert> & Pick<BacktestAlert, 'id' | 'rule' | 'at'>): BacktestAlert {
  return { group: '', groupValues: {}, severity: 'high', state: 'firing', count: 1, ...over };
}

/** A threshold rule (24 buckets of 5m, 3 firing + 1 resolved) and a spike rule (30 buckets of 1m with a baseline). */
export function twoRuleReport(): BacktestReport {
  const thresholdCounts = [2, 3, 1, 4, 25, 31, 8, 2, 0, 1, 3, 22, 5, 2, 1, 0, 4, 6, 2, 27, 3, 1, 2, 0];
  const threshold: RuleSeries = {
    rule: 'failed-logon-burst',
    description: `Many failed logons ${HOSTILE} & "quotes"`,
    type: 'threshold',
    where: 'event.code: 4625 and winlog.channel: Security and message: "<b>bold</b>"',
    windowMs: 5 * MIN,
    threshold: 20,
    buckets: thresholdCounts.map((count, i) => ({ start: iso(T0 + i * 5 * MIN), count })),
  };
  const spikeCounts = Array.from({ length: 30 }, (_, i) => (i === 21 ? 40 : i === 22 ? 18 : 3 + (i % 4)));
  const spike: RuleSeries = {
    rule: 'payments-error-spike',
    type: 'spike',
    where: 'log.level: error and service.name: "payments"',
    windowMs: MIN,
    ratio: 3,
    buckets: spikeCounts.map((count, i) => ({ start: iso(T0 + i * MIN), count, baseline: i < 5 ? undefined : 4.5 })),
  };
  const alerts: BacktestAlert[] = [
    alert({ id: 'a3', rule: 'failed-logon-burst', at: iso(T0 + 95 * MIN + 40_000), count: 27, group: 'alice', groupValues: { 'winlog.event_data.TargetUserName': 'alice' },
      firstEvent: iso(T0 + 95 * MIN), lastEvent: iso(T0 + 99 * MIN) }),
    alert({ id: 'a1', rule: 'failed-logon-burst', at: iso(T0 + 21 * MIN), count: 25, group: 'bob', groupValues: { 'winlog.event_data.TargetUserName': 'bob' },
      firstEvent: iso(T0 + 20 * MIN), lastEvent: iso(T0 + 24 * MIN) }),
    alert({ id: 'a2', rule: 'failed-logon-burst', at: iso(T0 + 56 * MIN), count: 22, group: 'evil', groupValues: { 'winlog.event_data.TargetUserName': HOSTILE },
      firstEvent: iso(T0 + 55 * MIN), lastEvent: iso(T0 + 59 * MIN) }),
    alert({ id: 'a1r', rule: 'failed-logon-burst', at: iso(T0 + 35 * MIN), state: 'resolved', count: 8, group: 'bob', groupValues: { 'winlog.event_data.TargetUserName': 'bob' },
      firstEvent: iso(T0 + 20 * MIN), lastEvent: iso(T0 + 29 * MIN) }),
    alert({ id: 's1', rule: 'payments-error-spike', at: iso(T0 + 21 * MIN + 30_000), count: 40, severity: 'critical', reference: 4.5,
      firstEvent: iso(T0 + 21 * MIN), lastEvent: iso(T0 + 21 * MIN + 59_000) }),
  ];
  return {
    generatedAt: '2026-01-02T08:00:00.000Z',
    input: ['logs/security.ndjson', `logs/${HOSTILE}.ndjson`],
    events: 12345,
    from: iso(T0),
    to: iso(T0 + 120 * MIN),
    rules: [threshold, spike],
    alerts,
    problems: [`logs/bad.ndjson:3: not JSON ${HOSTILE}`],
  };
}

/** How many times `re` occurs in `html`. */
export const countMatches = (html: string, re: RegExp): number => (html.match(new RegExp(re.source, 'g')) ?? []).length;
