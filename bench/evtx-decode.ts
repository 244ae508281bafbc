/**
 * One `vigil evtx` run in its own process, for the benchmark: the CLI's own code (decode every record,
 * map it to the normalised event, write NDJSON to stdout), then its peak RSS as one JSON line on stderr.
 *   node evtx-decode.js FILE...
 */
import { runEvtx } from '../src/cli/commands/evtx';

runEvtx(process.argv.slice(2), 'ndjson')
  .then((code) => {
    process.stderr.write(`${JSON.stringify({ code, peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`);
    process.exitCode = code;
  })
  .catch((err) => { console.error(err); process.exit(1); });
