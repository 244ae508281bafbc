/** One entry point for `vigil backtest --format ...`: the report data rendered in the chosen format. */
import type { BacktestFormat, BacktestReport } from './report-data';
import { formatHtml } from './format-html';
import { formatNdjson } from './format-ndjson';
import { formatTable } from './format-table';

export const BACKTEST_FORMATS: readonly BacktestFormat[] = ['ndjson', 'table', 'html'];

export function renderBacktestReport(report: BacktestReport, format: BacktestFormat): string {
  switch (format) {
    case 'ndjson': return formatNdjson(report);
    case 'table': return formatTable(report);
    case 'html': return formatHtml(report);
    default: throw new Error(`unknown backtest format "${String(format)}" (expected ${BACKTEST_FORMATS.join(', ')})`);
  }
}
