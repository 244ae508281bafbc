/**
 * The rules' second public face: what only the command line's offline tools use (the backtest, the import
 * of Elastic's prebuilt rules). Kept apart from rules/index.ts so that a daemon, which imports that one,
 * does not load these tools and what they read with (the evtx decoder, globbing, the report renderers).
 */

// the backtest: replaying files through rules and reporting what would have fired
export { inputFiles, replay, type ReplayResult } from './backtest/replay';
export { replayEs } from './backtest/es-replay';
export { esSelection } from './backtest/es-selection';
export { groupTtlMs } from './compile-rule';
export { buildReport } from './backtest/build-report';
export { renderBacktestReport, BACKTEST_FORMATS } from './backtest/render-report';
export { leftOutNotes } from './backtest/report-text';
export type { BacktestFormat } from './backtest/report-data';

// converting Elastic's prebuilt detection rules (TOML) into rules.yaml
export { importElasticRules, type ImportReport } from './import-elastic';
