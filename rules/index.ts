/**
 * The rules' public face: everything sinks/, the runtime and the command line use of rules/, and the
 * only file of rules/ they may import (test/unit/layering.test.ts checks it). A list, not a re-export of
 * whole folders, so that what is public stays a decision; add a name here when a layer above needs it.
 */

// rule and notifier definitions, as loaded from rules.yaml
export type { NotifierDef, EmailNotifierDef, WebhookNotifierDef, ApiNotifierDef, PagerDutyNotifierDef, OpsgenieNotifierDef, DingTalkNotifierDef, WeComNotifierDef, FeishuNotifierDef, WhereValidator } from './types';
export { checkRulesFile } from './load/rules-file';
export { validateWhere } from './kql/validate-where';
export { runExamples } from './run-examples';

// the engine the pipeline feeds, the alerts it makes, its state and the silences it obeys
export { RulesEngine, type RuleActivity } from './engine';
export type { AlertChange, FiringAlert, GroupNotified, OpenAlert } from './alerts/lifecycle';
export type { TopCount } from './alerts/top-counts';
export { MAX_SAMPLES, type Alert, type AlertSample } from './alerts/alert';
export { engineStateSchema } from './engine-state-schema';
export { SilenceStore, silencesFileProblems } from './silences';

// the backtest: replaying files through rules and reporting what would have fired
export { inputFiles, replay, type ReplayResult } from './backtest/replay';
export type { LoadedRules } from './types';
export { replayEs } from './backtest/es-replay';
export { esSelection } from './backtest/es-selection';
export { ES_PAGE_SIZE, esEvents, nestDottedKeys } from './backtest/es-events';
export { groupTtlMs } from './compile-rule';
export { buildReport } from './backtest/build-report';
export { renderBacktestReport, BACKTEST_FORMATS } from './backtest/render-report';
export { leftOutNotes } from './backtest/report-text';
export type { BacktestFormat } from './backtest/report-data';

// converting Elastic's prebuilt detection rules (TOML) into rules.yaml
export { importElasticRules, type ImportReport } from './import-elastic';

// what a fleet runner fetches from Elasticsearch for the loaded rules (the Elasticsearch input's selection)
export { fleetSelection } from './fleet-selection';
export { takeoverSpanMs, type RebuildEvent } from './rule-ownership';
export { takeoverSeedPlan, type TakeoverSeedPlan } from './takeover-seeds';
export type { RuleDef } from './types';
