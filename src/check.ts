/**
 * `vigil check [rules.yaml] [--config vigil.yaml]`: validates both files and prints each problem
 * as `file:line:col: message` (SPEC section 1 and 3.6). The CLI prints `output` and exits 1 when
 * `problems` is not empty.
 */
import * as path from 'node:path';
import { checkConfigFileDetailed } from './config/load';
import { formatProblem, type FileProblem } from './config/types';
import { checkRulesFile, type WhereValidator } from '../rules/load';
import { validateWhere } from '../rules/kql/validate-where';

export interface CheckOptions {
  /** rules file as the user gave it (default: the config's `rules`, else `<cwd>/rules.yaml`) */
  rules?: string;
  /** config file as the user gave it (optional) */
  config?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** KQL checker for `where` (rules/kql); without it `where` is only checked to be a string */
  validateWhere?: WhereValidator;
  /** an unset `${VAR}` in the rules' notifiers: a problem (default) or '' */
  rulesUnsetEnv?: 'error' | 'empty';
}

export interface CheckResult {
  problems: FileProblem[];
  /** one line per problem, or `<file>: OK (...)` per valid file; ends without a newline */
  output: string;
}

export function runCheck(opts: CheckOptions): CheckResult {
  const cwd = path.resolve(opts.cwd);
  const env = opts.env ?? process.env;
  const lines: string[] = [];
  const problems: FileProblem[] = [];

  let configProblems: FileProblem[] = [];
  let rulesLabel = opts.rules;
  if (opts.config !== undefined) {
    const r = checkConfigFileDetailed(opts.config, { cwd, env });
    configProblems = r.problems;
    if (rulesLabel === undefined && r.rulesPath) rulesLabel = displayPathFor(cwd, r.rulesPath);
  }
  if (rulesLabel === undefined) rulesLabel = 'rules.yaml';

  const rules = checkRulesFile(rulesLabel, { cwd, env, validateWhere: opts.validateWhere ?? validateWhere, unsetEnv: opts.rulesUnsetEnv });
  problems.push(...rules.problems);
  if (rules.rules) {
    const n = rules.rules.rules.length;
    const m = Object.keys(rules.rules.notifiers).length;
    lines.push(`${rulesLabel}: OK (${n} rule${n === 1 ? '' : 's'}, ${m} notifier${m === 1 ? '' : 's'})`);
  } else {
    lines.push(...rules.problems.map(formatProblem));
  }

  if (opts.config !== undefined) {
    problems.push(...configProblems);
    if (configProblems.length === 0) lines.push(`${opts.config}: OK`);
    else lines.push(...configProblems.map(formatProblem));
  }
  return { problems, output: lines.join('\n') };
}

/** A path relative to `cwd` when it lies below it, else absolute. */
function displayPathFor(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  return abs;
}
