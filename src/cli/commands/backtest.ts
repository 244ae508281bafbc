import { writeFileSync } from 'node:fs';
import { checkRulesFile, validateWhere, type LoadedRules } from '../../../rules';
import { inputFiles, replay, buildReport, renderBacktestReport, leftOutNotes, BACKTEST_FORMATS, type BacktestFormat, type ReplayResult } from '../../../rules/offline';
import { formatProblem } from '../../runtime/config/types';
import { parseTimeString } from '../../core/timestamp';
import { ProgressBar } from '../progress-bar';
import { replayFromEs, type BacktestEsOptions } from './backtest-es';

export interface BacktestOptions extends Partial<BacktestEsOptions> { rules: string; format: string; out?: string; until?: string }

/**
 * `vigil backtest <file-or-glob>...`: replays NDJSON and .evtx files through the rules in event time;
 * sends nothing. With `--es`, the events come from Elasticsearch instead (./backtest-es.ts).
 */
export async function runBacktest(args: string[], opts: BacktestOptions): Promise<number> {
  if (!(BACKTEST_FORMATS as readonly string[]).includes(opts.format)) {
    process.stderr.write(`vigil backtest: unknown format ${JSON.stringify(opts.format)} (use ${BACKTEST_FORMATS.join(', ')})\n`);
    return 2;
  }
  if (opts.es !== undefined && args.length > 0) {
    process.stderr.write('vigil backtest: give files or --es, not both\n');
    return 2;
  }
  if (opts.es === undefined && args.length === 0) {
    process.stderr.write('vigil backtest: give the files to replay, or --es URL --index PATTERN --from TIME\n');
    return 2;
  }
  if (opts.es === undefined && (opts.index ?? opts.from ?? opts.to ?? opts.apiKeyFile ?? opts.pageSize) !== undefined) {
    process.stderr.write('vigil backtest: --index, --from, --to, --api-key-file and --page-size go with --es\n');
    return 2;
  }
  let until: number | undefined;
  if (opts.until !== undefined) {
    const t = parseTimeString(opts.until);
    if (t === undefined) {
      process.stderr.write(`vigil backtest: --until ${JSON.stringify(opts.until)} is not a time (use ISO 8601, e.g. 2026-01-05T12:00:00Z)\n`);
      return 2;
    }
    until = Date.parse(t);
  }
  const { rules, problems } = checkRulesFile(opts.rules, { validateWhere, unsetEnv: 'empty' });
  if (!rules || problems.length > 0) {
    process.stderr.write(`${problems.map(formatProblem).join('\n')}\n`);
    return 1;
  }
  const result = opts.es !== undefined ? await replayFromEs(rules, { ...opts, es: opts.es }, until) : await replayFiles(rules, args, until);
  if (typeof result === 'number') return result;
  for (const p of result.problems) process.stderr.write(`vigil backtest: ${p}\n`);
  const report = buildReport(rules, result);
  for (const note of leftOutNotes(report)) process.stderr.write(`vigil backtest: ${note}\n`);
  const text = renderBacktestReport(report, opts.format as BacktestFormat);
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
  return 0;
}

/** The files and globs given, replayed (with a progress bar by bytes read); an exit code when none matches. */
async function replayFiles(rules: LoadedRules, args: string[], until: number | undefined): Promise<ReplayResult | number> {
  const unmatched: string[] = [];
  const files = await inputFiles(args, (a) => unmatched.push(a));
  if (files.length === 0) {
    process.stderr.write(`vigil backtest: no file matches ${args.map((a) => JSON.stringify(a)).join(' ')}\n`);
    return 2;
  }
  for (const a of unmatched) process.stderr.write(`vigil backtest: no file matches ${JSON.stringify(a)} (left out)\n`);
  let bar: ProgressBar | undefined;
  const result = await replay(rules, files, (p) => {
    bar ??= new ProgressBar(process.stderr, p.totalBytes, { unit: 'events' });
    bar.update(p.bytesRead, p.events);
  }, { until });
  bar?.finish(`${result.events.toLocaleString('en-US')} events replayed, ${result.alerts.length} alerts`);
  return result;
}
