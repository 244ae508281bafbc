/**
 * `vigil check [rules.yaml] [--config vigil.yaml] [--state]`: validates both files and prints each
 * problem as `file:line:col: message` (SPEC section 1 and 3.6); with `state`, also the state folder's
 * files (./state-check.ts), as `file: message`. The CLI prints `output` and exits 1 when `problems`
 * or `stateProblems` is not empty.
 */
import * as path from 'node:path';
import { checkConfigFileDetailed, embeddedDefaultConfig } from './config/load';
import { checkState } from './state-check';
import { formatProblem, type FileProblem } from './config/types';
import { checkRulesFile, validateWhere, type WhereValidator, type LoadedRules } from '../../rules';
import { notifierTimeoutProblem } from './fleet/config';
import type { FleetConfig } from './config/types';

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
  /** also check the state folder (the config's state_dir, else the embedded default's ./data/state) */
  state?: boolean;
}

export interface CheckResult {
  problems: FileProblem[];
  /** faults of the state files (`file: message`), when `state` was asked for */
  stateProblems: string[];
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
  let cfg = opts.config === undefined ? embeddedDefaultConfig(cwd) : undefined;
  if (opts.config !== undefined) {
    const r = checkConfigFileDetailed(opts.config, { cwd, env });
    configProblems = r.problems;
    if (r.problems.length === 0) cfg = r.config;
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
    // a fleet runner's lease against the rules' notifiers: reported at the lease in vigil.yaml
    if (cfg?.fleet && rules.rules) configProblems.push(...fleetNotifierProblems(cfg.fleet, rules.rules.notifiers));
    problems.push(...configProblems);
    if (configProblems.length === 0) lines.push(`${opts.config}: OK`);
    else lines.push(...configProblems.map(formatProblem));
  }

  const stateProblems: string[] = [];
  if (opts.state) {
    if (!cfg) {
      lines.push(`${opts.config}: the state folder was not checked (the file has problems)`);
    } else {
      const dir = displayPathFor(cwd, cfg.state_dir);
      const r = checkState(cfg.state_dir, cfg.control.token_file, (abs) => displayPathFor(cwd, abs));
      stateProblems.push(...r.problems);
      if (r.problems.length > 0) lines.push(...r.problems);
      else lines.push(`${dir}: OK (${r.checked.length > 0 ? r.checked.join(', ') : 'no state files yet'})`);
    }
  }
  return { problems, stateProblems, output: lines.join('\n') };
}

/** A path relative to `cwd` when it lies below it, else absolute. */
function displayPathFor(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  return abs;
}

/** The notifiers whose timeout is not below the fleet's lease (a delivery's claim holds for the lease). */
export function fleetNotifierProblems(fleet: FleetConfig, notifiers: LoadedRules['notifiers']): FileProblem[] {
  const out: FileProblem[] = [];
  for (const [name, n] of Object.entries(notifiers)) {
    const timeout = (n as { timeout_ms?: unknown }).timeout_ms;
    if (typeof timeout !== 'number') continue;
    const message = notifierTimeoutProblem(fleet.leases.lease_ms, name, timeout);
    if (message) out.push({ ...fleet.lease_ms_at, message });
  }
  return out;
}
