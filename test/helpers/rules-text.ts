import { expect } from 'chai';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';
import type { LoadedRules } from '../../rules/types';

/** The rules of a rules.yaml text, as the loader reads them (KQL checked); fails the test on any problem, naming its line and column. */
export function rulesOf(yaml: string): LoadedRules {
  const { rules, problems } = parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
  expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).to.deep.equal([]);
  return rules!;
}
