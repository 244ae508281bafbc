import type { PipelineEvent } from '../src/event';
import type { RulesEntry } from '../src/pipeline';
import type { Logger } from '../src/log';
import { formatProblem, type FileProblem } from '../src/config/types';
import { checkRulesFile } from './load';
import { validateWhere } from './kql/validate-where';
import type { LoadedRules } from './load';

/**
 * The rules engine's entry point. Every event passes here, in read order, before it goes to the
 * sinks. It holds the rules loaded from rules.yaml; a file with problems never stops the pipeline:
 * the rules that were running stay, and the problems are reported. Rule evaluation (KQL filters,
 * detectors, alert lifecycle) plugs in behind `process`; until then it counts what it has seen.
 */
export class RulesEngine implements RulesEntry {
  evaluated = 0;
  rules: LoadedRules | null = null;
  problems: FileProblem[] = [];

  constructor(private log: Logger) {}

  /** Loads (or reloads) a rules file; returns false, keeping the current rules, when it has problems. */
  load(path: string): boolean {
    const { rules, problems } = checkRulesFile(path, { validateWhere });
    this.problems = problems;
    if (!rules || problems.length > 0) {
      this.log.error({ file: path, problems: problems.map(formatProblem), kept_rules: this.rules?.rules.length ?? 0 },
        'rules file has problems; the running rules stay');
      return false;
    }
    this.rules = rules;
    this.log.info({ file: path, rules: rules.rules.length }, 'rules loaded');
    return true;
  }

  process(_event: PipelineEvent): void {
    this.evaluated++;
  }
}
