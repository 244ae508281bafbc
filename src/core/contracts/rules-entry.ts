import type { PipelineEvent } from '../event';

/** The rules engine's entry point as the pipeline sees it: every event passes through it before the sinks. */
export interface RulesEntry {
  process(event: PipelineEvent): void;
}
