import { checkRulesFile, validateWhere, runExamples } from '../../../rules';
import { formatProblem } from '../../runtime/config/types';

/** `vigil test-rules [rules.yaml]`: runs every rule's examples; prints a pass/fail table; 0 only when all pass. */
export function runTestRules(file: string): { output: string; code: number } {
  const { rules, problems } = checkRulesFile(file, { validateWhere, unsetEnv: 'empty' });
  if (!rules || problems.length > 0) return { output: problems.map(formatProblem).join('\n'), code: 1 };
  const results = runExamples(rules);
  const lines: string[] = [];
  const w = Math.max(4, ...rules.rules.map((r) => r.id.length));
  lines.push(`${'rule'.padEnd(w)}  example  line  expected  got  result`);
  for (const r of results) {
    lines.push(`${r.rule.padEnd(w)}  ${String(r.example).padStart(7)}  ${String(r.line).padStart(4)}  ${String(r.expected).padStart(8)}  ${String(r.got).padStart(3)}  ${r.pass ? 'pass' : 'FAIL'}`);
  }
  const without = rules.rules.filter((r) => r.examples.length === 0).map((r) => r.id);
  const failed = results.filter((r) => !r.pass).length;
  lines.push('');
  lines.push(`${results.length - failed} of ${results.length} examples pass${without.length ? `; rules without examples: ${without.join(', ')}` : ''}`);
  return { output: lines.join('\n'), code: failed > 0 || results.length === 0 ? 1 : 0 };
}
