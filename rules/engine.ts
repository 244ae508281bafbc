import type { PipelineEvent } from '../src/event';
import type { RulesEntry } from '../src/pipeline';

/**
 * The rules engine's entry point. Every event passes here, in read order, before it goes to the
 * sinks. Rule evaluation (rules.yaml: KQL filters, detectors, alert lifecycle) plugs in behind
 * this interface; until then it counts what it has seen.
 */
export class RulesEngine implements RulesEntry {
  evaluated = 0;

  process(_event: PipelineEvent): void {
    this.evaluated++;
  }
}
