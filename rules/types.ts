/**
 * The shapes of a loaded rules.yaml (SPEC section 3): rules, notifiers and their examples, as the
 * loader (rules/load/) resolves them and the engine, backtest and notifiers read them.
 * Defaults of the optional keys live in rules/defaults.ts.
 */

export type RuleType = 'pattern' | 'threshold' | 'spike' | 'flatline' | 'new_term' | 'change' | 'cardinality' | 'metric' | 'ratio';
/** a metric rule's aggregation: percentiles by nearest rank */
export type MetricAgg = 'avg' | 'min' | 'max' | 'sum' | 'p50' | 'p95' | 'p99';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface EmailNotifierDef {
  name: string;
  type: 'email';
  to: string[];
  cc: string[];
  bcc: string[];
  /** overrides smtp.from of vigil.yaml */
  from?: string;
  /** Mustache template over the alert and its first sample (default "[{{severity}}] {{rule}} on {{group}}") */
  subject: string;
  /** Mustache template of each alert's text, replacing the standard body (the HTML part shows it escaped) */
  body?: string;
  line: number;
  col: number;
}

export interface WebhookNotifierDef {
  name: string;
  type: 'webhook';
  url: string;
  format: 'json' | 'slack' | 'teams'; // default json
  method: 'POST' | 'PUT'; // default POST
  headers: Record<string, string>;
  /** HMAC-SHA256 key for X-Vigil-Signature */
  secret?: string;
  timeout_ms: number; // default 10 s
  /**
   * retries after the first try before a notification is given up (moved to failed/); absent: it is
   * retried until the receiver accepts or refuses it for good (the default: a late alert beats a lost one)
   */
  retries?: number;
  /** format json: the JSON body to send instead of the standard one, each string in it a Mustache template */
  body?: unknown;
  line: number;
  col: number;
}

/** What every notifier that POSTs to an HTTP API has: where, how long to wait, how often to retry. */
interface HttpNotifierFields {
  name: string;
  /**
   * where requests go: the robot's webhook URL (a credential: its token is in it), PagerDuty's events
   * URL or Opsgenie's API base (default: the one of the notifier's `region`)
   */
  url: string;
  timeout_ms: number; // default 10 s
  /** as WebhookNotifierDef.retries */
  retries?: number;
  line: number;
  col: number;
}

/** PagerDuty Events API v2: one event per alert, `dedup_key` = alert id, trigger on firing, resolve on resolved. */
export interface PagerDutyNotifierDef extends HttpNotifierFields {
  type: 'pagerduty';
  /** the integration key of an Events API v2 integration (a secret) */
  routing_key: string;
}

/** A responder of an Opsgenie alert: a team, user, escalation or schedule, by id, name or (users) username. */
export interface OpsgenieResponder { type: 'team' | 'user' | 'escalation' | 'schedule'; id?: string; name?: string; username?: string }

/** Opsgenie Alert API: create with alias = alert id on firing, close by alias on resolved. */
export interface OpsgenieNotifierDef extends HttpNotifierFields {
  type: 'opsgenie';
  /** the key of an API integration (sent as `Authorization: GenieKey …`; a secret) */
  api_key: string;
  responders: OpsgenieResponder[];
  /** added to the alert's own tags */
  tags: string[];
}

/** DingTalk custom robot: markdown messages; with `secret`, the `timestamp` and `sign` query parameters. */
export interface DingTalkNotifierDef extends HttpNotifierFields {
  type: 'dingtalk';
  /** the robot's "加签" secret (SEC…) */
  secret?: string;
}

/** WeCom (企业微信) group robot: markdown messages. */
export interface WeComNotifierDef extends HttpNotifierFields {
  type: 'wecom';
}

/** Feishu / Lark custom bot: interactive cards; with `secret`, the `timestamp` and `sign` body fields. */
export interface FeishuNotifierDef extends HttpNotifierFields {
  type: 'feishu';
  secret?: string;
}

/** The notifiers that call an HTTP API of their own (not a webhook in a format of Vigil's choice). */
export type ApiNotifierDef = PagerDutyNotifierDef | OpsgenieNotifierDef | DingTalkNotifierDef | WeComNotifierDef | FeishuNotifierDef;

export type NotifierDef = EmailNotifierDef | WebhookNotifierDef | ApiNotifierDef;

export interface RuleExample {
  /** events as written (field paths may be dotted) */
  events: Array<Record<string, unknown>>;
  repeat: number; // default 1
  every_ms: number; // default 1000
  expect: number;
  line: number;
  col: number;
}

export interface RuleDef {
  id: string;
  description?: string;
  /** links that explain what the rule detects (e.g. an imported Elastic rule's references) */
  references?: string[];
  type: RuleType;
  /** KQL; '' selects every event */
  where: string;
  regex?: { field: string; pattern: string; flags: string };
  group_by: string[];
  /** threshold: fire when count >= threshold; flatline: when count < threshold (default 1) */
  threshold?: number;
  /** absent: RULE_DEFAULTS.window_ms (rules/defaults.ts) */
  window_ms?: number;
  baseline_ms?: number;
  ratio?: number; // spike, default 3
  min_count?: number; // spike, metric and ratio, default 1
  /** new_term: the field(s) whose value (tuple) is the term */
  fields?: string[];
  /** new_term: how long a term seen stays known (default 30d) */
  history_ms?: number;
  /** new_term: event time after a fresh start during which terms are only learned (default 0) */
  history_warmup_ms?: number;
  /** new_term: the most terms remembered per rule, the least recently seen forgotten first (default 100000) */
  max_terms?: number;
  /** change: the field whose value is watched per group; cardinality: the field whose distinct values are counted; metric: the numeric field aggregated */
  field?: string;
  /** cardinality: fire at max distinct values or more, or below min (a group seen a whole window before) */
  max?: number;
  min?: number;
  /** metric: the aggregation, and the bounds it fires strictly above or below */
  agg?: MetricAgg;
  above?: number;
  below?: number;
  /** cardinality, metric: distinct values / values per group handled exactly (default RULE_DEFAULTS.exact_limit) */
  exact_limit?: number;
  /** ratio: KQL of the base events ('' selects every event); `where` is evaluated on them */
  of?: string;
  direction: 'up' | 'down' | 'both'; // default up
  severity: Severity; // default medium
  /** notifier names, each a key of LoadedRules.notifiers */
  notify: string[];
  notify_resolved: boolean; // default false
  realert_ms: number; // default 60000
  group_window_ms?: number;
  allowed_lateness_ms: number; // default 60000
  enabled: boolean; // default true
  tags: string[];
  /** the fields an alert's samples show (absent: the standard choice, rules/alerts/lifecycle.ts) */
  include?: string[];
  /** fields whose top values among the window's events an alert shows */
  top_count_keys?: string[];
  examples: RuleExample[];
  /** where the rule is: the file label and the position of its `id` */
  file: string;
  line: number;
  col: number;
  /** where the `where` string starts (for messages about it) */
  where_line?: number;
  where_col?: number;
  /** hash of the resolved definition (everything but examples and positions): unchanged → same fingerprint */
  fingerprint: string;
  /** hash of what shapes its detector (the definition less severity, notify, realert, …): unchanged → its state is kept */
  detection_fingerprint?: string;
}

export interface LoadedRules {
  /** the file label the rules were read from */
  source: string;
  /** the `defaults` section as written (durations unparsed) */
  defaults: Record<string, unknown>;
  notifiers: Record<string, NotifierDef>;
  rules: RuleDef[];
}

/** KQL syntax check: `offset` is the index in `where` of the fault, or null when the query is fine. */
export type WhereValidator = (where: string) => { offset: number; message: string } | null;

export interface RulesLoadOptions {
  /** environment for `${VAR}` in notifiers (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** an unset variable without default: a problem (default) or '' (e.g. for backtest / test-rules, which send nothing) */
  unsetEnv?: 'error' | 'empty';
  /** KQL checker; without it `where` is only checked to be a string */
  validateWhere?: WhereValidator;
  /** base directory for relative `path` in loadRulesFile (default process.cwd()) */
  cwd?: string;
}
