/**
 * `vigil check --state`: validates the files of the state folder as `vigil run` would load them
 * (registry.json, silences.json, the control token file), without starting anything. Each fault is
 * a `file: message` line; the token itself is never shown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registrySchema } from '../core/checkpoints/registry-schema';
import { compileStateSchema, stateFileProblems } from '../core/checkpoints/state-file';
import { REGISTRY_SECTIONS } from './registry-sections';
import { silencesFileProblems } from '../../rules';
import { tokenTextFault } from '../control/token';

export interface StateCheckResult {
  /** `file: message` lines */
  problems: string[];
  /** the names of the files that were there and were checked */
  checked: string[];
}

/**
 * Checks the state folder `stateDir` and the token file `tokenFile`; `label` turns an absolute path
 * into the one printed. A missing file is fine (the daemon starts without it).
 */
export function checkState(stateDir: string, tokenFile: string, label: (abs: string) => string = (p) => p): StateCheckResult {
  const problems: string[] = [];
  const checked: string[] = [];
  const read = (abs: string): string | null => {
    if (!existsSync(abs)) return null;
    checked.push(label(abs));
    try {
      return readFileSync(abs, 'utf8');
    } catch (err) {
      problems.push(`${label(abs)}: cannot be read (${(err as Error).message})`);
      return null;
    }
  };

  const registry = join(stateDir, 'registry.json');
  const registryText = read(registry);
  if (registryText !== null) {
    problems.push(...stateFileProblems(label(registry), registryText, compileStateSchema(registrySchema(REGISTRY_SECTIONS))).problems);
  }
  const silences = join(stateDir, 'silences.json');
  const silencesText = read(silences);
  if (silencesText !== null) problems.push(...silencesFileProblems(label(silences), silencesText).problems);
  const tokenText = read(tokenFile);
  if (tokenText !== null) {
    const fault = tokenTextFault(tokenText);
    if (fault) problems.push(`${label(tokenFile)}: ${fault}`);
  }
  return { problems, checked };
}
