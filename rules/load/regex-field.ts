/** A rule's `regex`: its pattern compiled for RE2 once per YAML node by rules/regex-safety, a fault reported at its character. */
import { isScalar, type Node } from 'yaml';
import { compileRuleRegex } from '../regex-safety/rule-regex';
import type { RuleDef } from '../types';
import { asObj } from './raw-values';
import type { RuleInput } from './rule-input';

export function readRegex(input: RuleInput, checked: Set<Node | undefined>): RuleDef['regex'] {
  const { src } = input;
  const rx = asObj(input.merged.regex);
  if (typeof rx.field !== 'string' || typeof rx.pattern !== 'string') return undefined;
  const flags = typeof rx.flags === 'string' ? rx.flags : '';
  const pNode = src.nodeAt([...input.origin('regex'), 'pattern']);
  if (!checked.has(pNode) && /^[imsu]*$/.test(flags)) {
    checked.add(pNode);
    const r = compileRuleRegex(rx.pattern, flags);
    if ('fault' in r) {
      const problem = r.fault;
      input.bad = true;
      if (pNode && isScalar(pNode)) src.problemInScalar(pNode, problem.offset, problem.message);
      else src.problemAt(pNode, problem.message);
    }
  }
  return { field: rx.field, pattern: rx.pattern, flags };
}
