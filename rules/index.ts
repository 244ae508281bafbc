/**
 * The rules' public face: everything sinks/, the runtime and the command line use of rules/; with
 * rules/offline.ts (what only the command line's offline tools use), the only files of rules/ they may
 * import (test/unit/layering.test.ts checks it). A list, not a re-export of
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

// the backtest and the import of Elastic's rules are in rules/offline.ts (the command line's own tools:
// a daemon does not load them)
export type { LoadedRules } from './types';
export { ES_PAGE_SIZE, esEvents, nestDottedKeys } from './backtest/es-events';

// what a fleet runner fetches from Elasticsearch for the loaded rules (the Elasticsearch input's selection)
export { fleetSelection } from './fleet-selection';
export { takeoverSpanMs, type RebuildEvent } from './rule-ownership';
export { takeoverSeedPlan, type TakeoverSeedPlan } from './takeover-seeds';
export type { RuleDef } from './types';
