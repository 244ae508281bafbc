/**
 * One `vigil evtx` run in its own process, for the benchmark: the CLI's own code (decode every record,
 * map it to the normalised event, write NDJSON to stdout), then its peak RSS and CPU seconds (every
 * thread's) as one JSON line on stderr.
 *   node evtx-decode.js [--workers N|auto] FILE...
 */
import { runEvtx } from '../src/cli/commands/evtx';

const args = process.argv.slice(2);
let workers = 'auto';
if (args[0] === '--workers') {
  workers = args[1];
  args.splice(0, 2);
}
runEvtx(args, 'ndjson', workers)
  .then((code) => {
    const cpu = process.cpuUsage();
    process.stderr.write(`${JSON.stringify({ code, peak_rss_mb: process.resourceUsage().maxRSS / 1024, cpu_s: (cpu.user + cpu.system) / 1e6 })}\n`);
    process.exitCode = code;
  })
  .catch((err) => { console.error(err); process.exit(1); });
