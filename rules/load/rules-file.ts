/**
 * Loading and validating rules.yaml (SPEC section 3), with a position for every problem
 * (SPEC 3.6: `rules.yaml:LINE:COL: message`).
 *
 * - `${VAR}` / `${VAR:-default}` are substituted in the `notifiers` section only (that is where
 *   connection secrets such as a webhook's HMAC secret live); `where` and `regex` are taken
 *   literally.
 * - Defaults are merged shallowly into each rule (a rule's own key wins).
 * - Regexes are compiled for RE2 (linear-time matching), and rejected where they use what RE2
 *   lacks (backreferences, lookaround); see rules/regex-safety/.
 * - `where` is KQL; its parser lives elsewhere and is plugged in through `opts.validateWhere`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConfigError,
  pruneEmptied,
  pruneNulls,
  redactSecrets,
  registerSecrets,
  secretValuesOf,
  substituteEnv,
  YamlSource,
} from '../../src/core/config-kit';
import type { FileProblem } from '../../src/core/config-kit';
import type { LoadedRules, RulesLoadOptions } from '../types';
import { buildNotifiers } from './notifiers';
import { asObj } from './raw-values';
import { buildRules } from './build-rules';
import { checkRulesSchema } from './schema-check';

/** Reads, validates and resolves a rules file; throws ConfigError (with `problems`) on any problem. */
export function loadRulesFile(file: string, opts: RulesLoadOptions = {}): LoadedRules {
  const r = checkRulesFile(file, opts);
  if (!r.rules) throw new ConfigError(r.problems);
  return r.rules;
}

/** Like loadRulesFile, without throwing: `rules` is set only when there is no problem. */
export function checkRulesFile(file: string, opts: RulesLoadOptions = {}): { rules?: LoadedRules; problems: FileProblem[] } {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(opts.cwd ?? process.cwd(), file), 'utf8');
  } catch (e) {
    return { problems: [{ file, line: 1, col: 1, message: `cannot read file: ${(e as Error).message}` }] };
  }
  return parseRulesText(text, file, opts);
}

/** Validates rules text; `fileLabel` is what problems are reported against. */
export function parseRulesText(
  text: string,
  fileLabel: string,
  opts: RulesLoadOptions = {},
): { rules?: LoadedRules; problems: FileProblem[] } {
  const src = new YamlSource(text.replace(/^\uFEFF/, ''), fileLabel);
  if (!src.syntaxOk) return { problems: src.finish() };
  const emptied = substituteEnv(src, {
    env: opts.env ?? process.env,
    unset: opts.unsetEnv ?? 'error',
    include: (p) => p[0] === 'notifiers',
  });
  let data = src.toJS();
  if (data === undefined) data = {};
  pruneNulls(data);
  pruneEmptied(data, emptied);
  checkRulesSchema(src, data);
  const root = asObj(data);
  const notifiers = buildNotifiers(src, asObj(root.notifiers));
  const defaults = asObj(root.defaults);
  const rules = buildRules(src, defaults, Array.isArray(root.rules) ? root.rules : [], notifiers, opts);
  const problems = src.finish();
  if (problems.length > 0) return { problems };
  const loaded: LoadedRules = { source: fileLabel, defaults, notifiers, rules };
  registerSecrets(loaded, src.secretValues);
  return { rules: loaded, problems };
}

/** A copy of the loaded rules safe to show (webhook secrets, auth headers, env secrets redacted). */
export function redactRules(r: LoadedRules): unknown {
  return redactSecrets(r, secretValuesOf(r));
}
