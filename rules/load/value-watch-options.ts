/**
 * The options of the rule types that watch the values of fields: `new_term` (fields, history,
 * history_warmup, max_terms) and `change` (field; its `window` is how recent the previous value must
 * be). Their presence is checked with the type (detector-options.ts), their shapes by the schema;
 * here their values, with the defaults of rules/defaults.ts.
 */
import { displayPath } from '../../src/core/config-kit';
import { RULE_DEFAULTS } from '../defaults';
import type { RuleDef, RuleType } from '../types';
import { strings } from './raw-values';
import type { RuleInput } from './rule-input';

export type ValueWatchOptions = Pick<RuleDef, 'fields' | 'history_ms' | 'history_warmup_ms' | 'max_terms' | 'field'>;

/** The options of a new_term or change rule (reported problems mark the rule bad); {} for other types. */
export function checkValueWatch(input: RuleInput, type: RuleType | undefined): ValueWatchOptions {
  const { merged } = input;
  if (type === 'new_term') {
    const fields = strings(merged.fields);
    const dup = fields.find((f, i) => fields.indexOf(f) !== i);
    if (dup !== undefined) input.fail(input.origin('fields'), `${displayPath(input.origin('fields'))} names "${dup}" twice`);
    const history = input.duration('history');
    if (history !== undefined && history <= 0) input.fail(input.origin('history'), `${displayPath(input.origin('history'))} must be longer than 0`);
    const warmup = input.duration('history_warmup');
    return {
      fields,
      history_ms: history ?? RULE_DEFAULTS.new_term_history_ms,
      history_warmup_ms: warmup ?? RULE_DEFAULTS.new_term_history_warmup_ms,
      max_terms: typeof merged.max_terms === 'number' ? merged.max_terms : RULE_DEFAULTS.new_term_max_terms,
    };
  }
  if (type === 'change') return { field: typeof merged.field === 'string' ? merged.field : '' };
  return {};
}
