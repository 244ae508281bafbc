import { createHash } from 'node:crypto';
import type { Severity } from '../types';
import type { TopCount } from './top-counts';

/** One event as an alert shows it: the fields that matter, not the raw document. */
export type AlertSample = Record<string, unknown>;

/** What notifiers need of an alert (SPEC 3.4, 4). Times are event times, ISO 8601. */
export interface Alert {
  /** deterministic: the same rule, group and start of the firing episode give the same id */
  id: string;
  rule: string;
  description?: string;
  /** the rule's references (links) */
  references?: string[];
  severity: Severity;
  state: 'firing' | 'resolved';
  /** canonical group key and the group_by values by field */
  groupKey: string;
  group: Record<string, unknown>;
  /** events of the group in the window that decided */
  count: number;
  /** spike: the baseline average per window; threshold and flatline: the threshold; cardinality, metric, ratio: the bound crossed */
  reference?: number;
  /** cardinality: the distinct values; metric: the aggregate; ratio: the fraction (of the window that decided) */
  value?: number;
  window: { start: string; end: string };
  first_event: string;
  last_event: string;
  fired_at: string;
  resolved_at?: string;
  /** up to 10 sample events, newest last */
  samples: AlertSample[];
  /** the rule's `include`: the fields of the samples in the order chosen (after @timestamp); absent: the standard choice */
  sample_fields?: string[];
  /** the rule's top_count_keys: per field, the most frequent values among the window's events (a resolved alert: the firing window's) */
  top_counts?: TopCount[];
  /** the rule's KQL narrowed to the group, for the Kibana Discover link */
  query: string;
  /** the rule's KQL alone (the link's fallback when the group makes it too long; absent in alerts of older versions) */
  where?: string;
  notify: string[];
  tags: string[];
}

export const MAX_SAMPLES = 10;

export function alertId(rule: string, groupKey: string, firedAtMs: number): string {
  return createHash('sha256').update(`${rule}\u0000${groupKey}\u0000${firedAtMs}`).digest('base64url').slice(0, 22);
}

/** The events a rule's alerts are about, as KQL: its `where`, within its `of` for a ratio rule. */
export function ruleQuery(rule: { where: string; of?: string }): string {
  const of = rule.of?.trim() ?? '';
  if (of === '') return rule.where;
  return rule.where.trim() === '' ? rule.of! : `(${rule.of}) and (${rule.where})`;
}

/** The rule's `where` and the group's values as one KQL query (what Kibana should show for the alert). */
export function groupQuery(where: string, group: Record<string, unknown>): string {
  const parts: string[] = [];
  if (where.trim() !== '') parts.push(`(${where})`);
  for (const [field, v] of Object.entries(group)) {
    if (v === null || v === undefined) parts.push(`not ${field}: *`);
    else parts.push(`${field}: "${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`);
  }
  return parts.join(' and ');
}
