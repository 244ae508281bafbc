/**
 * Every default of rules.yaml in one place (SPEC section 3): what a rule, an example or a notifier
 * gets for a key it does not set (neither itself nor through `defaults:`).
 */
import type { RuleDef } from './types';

export const RULE_DEFAULTS = {
  /** the window of threshold, spike and flatline rules (also the span a pattern rule's counts are shown over) */
  window_ms: 5 * 60_000,
  realert_ms: 60_000,
  allowed_lateness_ms: 60_000,
  severity: 'medium',
  direction: 'up',
  /** a flatline rule fires when a group's count falls below this */
  flatline_threshold: 1,
  spike_ratio: 3,
  spike_min_count: 1,
  /** cardinality: distinct values, metric: values in a window, per group, handled exactly before a sketch takes over */
  exact_limit: 10_000,
  /** metric and ratio: the values (base events) a window needs before it can fire */
  measure_min_count: 1,
} as const satisfies { severity: RuleDef['severity']; direction: RuleDef['direction']; [k: string]: unknown };

export const EXAMPLE_DEFAULTS = {
  repeat: 1,
  every_ms: 1000,
  expect: 0,
} as const;

export const NOTIFIER_DEFAULTS = {
  email_subject: '[{{severity}}] {{rule}} on {{group}}',
  webhook_format: 'json',
  webhook_method: 'POST',
  webhook_timeout_ms: 10_000,
  /** pagerduty, opsgenie, dingtalk, wecom, feishu: the whole exchange, as for webhooks */
  api_timeout_ms: 10_000,
  /** PagerDuty's Events API v2 by service region (`region`, default us) */
  pagerduty_url: { us: 'https://events.pagerduty.com/v2/enqueue', eu: 'https://events.eu.pagerduty.com/v2/enqueue' },
  /** Opsgenie's API base by region (`region`, default us) */
  opsgenie_url: { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' },
  region: 'us',
} as const;

/** `top_count_keys`: what an alert shows, and the bounds on what a rule keeps to show it (rules/alerts/top-counts.ts) */
export const TOP_COUNTS = {
  /** values shown per field */
  shown: 5,
  /** distinct values counted per group and field; later new values are counted as "others" */
  max_values: 100,
  /** groups counted per rule (as the detectors' cap) */
  max_groups: 10_000,
  /** counts are kept per bucket of a hundredth of the window (at least a second) */
  buckets_per_window: 100,
} as const;
