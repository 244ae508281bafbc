/**
 * The keys every rule type shares: a unique id, the durations, the notifiers it names, and the
 * resolved fields with their defaults (rules/defaults.ts).
 */
import { RULE_DEFAULTS } from '../defaults';
import { SEVERITIES, type NotifierDef, type RuleDef, type RuleExample, type RuleType, type Severity } from '../types';
import { posOf, strings } from './raw-values';
import type { RuleInput } from './rule-input';

export interface RuleDurations {
  window_ms?: number;
  baseline_ms?: number;
  realert_ms?: number;
  group_window_ms?: number;
  allowed_lateness_ms?: number;
}

/** Reports a second rule with the same id, at its id; `ids` maps each id to the index of its first rule. */
export function checkUniqueId(input: RuleInput, ids: Map<string, number>): void {
  const { id, src } = input;
  if (!id) return;
  const prev = ids.get(id);
  if (prev !== undefined) {
    const prevPos = posOf(src, src.nodeAt(['rules', prev, 'id']));
    input.fail(input.idNode, `duplicate rule id "${id}" (first defined at line ${prevPos.line})`, false);
  } else {
    ids.set(id, input.index);
  }
}

/** The rule's durations in milliseconds (absent or bad ones undefined; bad ones reported). */
export function readDurations(input: RuleInput): RuleDurations {
  return {
    window_ms: input.duration('window'),
    baseline_ms: input.duration('baseline'),
    realert_ms: input.duration('realert'),
    group_window_ms: input.duration('group_window'),
    allowed_lateness_ms: input.duration('allowed_lateness'),
  };
}

/** The rule's `notify` list; each name must be a defined notifier. */
export function checkNotify(input: RuleInput, notifiers: Record<string, NotifierDef>): string[] {
  const notify = strings(input.merged.notify);
  notify.forEach((name, j) => {
    if (!(name in notifiers)) {
      const known = Object.keys(notifiers);
      input.fail(
        [...input.origin('notify'), j],
        `unknown notifier "${name}" (${known.length ? `defined: ${known.join(', ')}` : 'no notifiers are defined'})`,
      );
    }
  });
  return notify;
}

/** The parts of a rule checked elsewhere, for commonFields. */
export interface CheckedParts {
  type: RuleType;
  where: string;
  regex: RuleDef['regex'];
  notify: string[];
  examples: RuleExample[];
  durations: RuleDurations;
}

/** The fields of a good rule that do not depend on its type (fingerprint still ''). */
export function commonFields(input: RuleInput, parts: CheckedParts): RuleDef {
  const { merged, own } = input;
  const { durations } = parts;
  const { line, col } = posOf(input.src, input.idNode);
  const rule: RuleDef = {
    id: input.id,
    type: parts.type,
    where: parts.where,
    group_by: strings(merged.group_by),
    direction: merged.direction === 'down' || merged.direction === 'both' ? merged.direction : RULE_DEFAULTS.direction,
    severity: SEVERITIES.includes(merged.severity as Severity) ? (merged.severity as Severity) : RULE_DEFAULTS.severity,
    notify: parts.notify,
    notify_resolved: merged.notify_resolved === true,
    realert_ms: durations.realert_ms ?? RULE_DEFAULTS.realert_ms,
    allowed_lateness_ms: durations.allowed_lateness_ms ?? RULE_DEFAULTS.allowed_lateness_ms,
    enabled: merged.enabled !== false,
    tags: strings(merged.tags),
    examples: parts.examples,
    file: input.src.file,
    line,
    col,
    fingerprint: '',
  };
  if (typeof own.description === 'string') rule.description = own.description;
  if (Array.isArray(own.references)) rule.references = strings(own.references);
  if (parts.regex) rule.regex = parts.regex;
  if (Array.isArray(merged.include)) rule.include = strings(merged.include);
  if (Array.isArray(merged.top_count_keys)) rule.top_count_keys = [...new Set(strings(merged.top_count_keys))];
  if (durations.window_ms !== undefined) rule.window_ms = durations.window_ms;
  if (durations.baseline_ms !== undefined) rule.baseline_ms = durations.baseline_ms;
  if (durations.group_window_ms !== undefined) rule.group_window_ms = durations.group_window_ms;
  return rule;
}
