/**
 * The `rules:` list: each item merged with `defaults`, checked concern by concern (id, durations,
 * type and detector options, notifiers, where, regex, examples) and, when nothing is wrong, resolved
 * into a RuleDef. Every problem is reported; a rule with one is left out.
 */
import type { Node } from 'yaml';
import type { YamlSource } from '../../src/core/config-kit';
import type { NotifierDef, RuleDef, RulesLoadOptions } from '../types';
import { checkNotify, checkUniqueId, commonFields, readDurations } from './common-fields';
import { checkType, detectorOptions } from './detector-options';
import { buildExamples } from './examples';
import { ruleFingerprint } from './fingerprint';
import { asObj, type Obj } from './raw-values';
import { readRegex } from './regex-field';
import { RuleInput } from './rule-input';
import { checkWhere, wherePosition } from './where-check';

export function buildRules(
  src: YamlSource,
  defaults: Obj,
  list: unknown[],
  notifiers: Record<string, NotifierDef>,
  opts: RulesLoadOptions,
): RuleDef[] {
  const out: RuleDef[] = [];
  const ids = new Map<string, number>();
  // a `where` or `regex` set in defaults is one node shared by many rules: checked (and reported) once
  const checkedWhere = new Set<Node | undefined>();
  const checkedRegex = new Set<Node | undefined>();
  const checkedOf = new Set<Node | undefined>();

  list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return; // reported by the schema
    const input = new RuleInput(src, i, asObj(item), defaults);
    checkUniqueId(input, ids);
    const durations = readDurations(input);
    const type = checkType(input, durations);
    const notify = checkNotify(input, notifiers);
    const { where, whereNode } = checkWhere(input, opts.validateWhere, checkedWhere);
    checkWhere(input, opts.validateWhere, checkedOf, 'of'); // a ratio rule's base (resolved with its options)
    const regex = readRegex(input, checkedRegex);
    const examples = buildExamples(input);
    if (input.bad || !type || !input.id) return;

    const rule: RuleDef = commonFields(input, { type, where, regex, notify, examples, durations });
    Object.assign(rule, detectorOptions(type, input.merged), wherePosition(src, whereNode));
    rule.fingerprint = ruleFingerprint(rule);
    out.push(rule);
  });
  return out;
}
