import { writeFileSync } from 'node:fs';
import { checkRulesFile, validateWhere, inputFiles, replay, buildReport, renderBacktestReport, leftOutNotes, BACKTEST_FORMATS, type BacktestFormat } from '../../../rules';
import { formatProblem } from '../../runtime/config/types';
import { parseTimeString } from '../../core/timestamp';
import { ProgressBar } from '../progress-bar';

export interface BacktestOptions { rules: string; format: string; out?: string; until?: string }

/** `vigil backtest <file-or-glob>...`: replays NDJSON and .evtx files through the rules in event time; sends nothing. */
export async function runBacktest(args: string[], opts: BacktestOptions): Promise<number> {
  if (!(BACKTEST_FORMATS as readonly string[]).includes(opts.format)) {
    process.stderr.write(`vigil backtest: unknown format ${JSON.stringify(opts.format)} (use ${BACKTEST_FORMATS.join(', ')})\n`);
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
  for (const p of result.problems) process.stderr.write(`vigil backtest: ${p}\n`);
  const report = buildReport(rules, result);
  for (const note of leftOutNotes(report)) process.stderr.write(`vigil backtest: ${note}\n`);
  const text = renderBacktestReport(report, opts.format as BacktestFormat);
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
  return 0;
}
