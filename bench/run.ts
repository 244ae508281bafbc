/**
 * `npm run bench`: each benchmark next to a baseline measured in the same run, printed as ratios.
 * VIGIL_BENCH_MB sets the size of the generated NDJSON file (default 1024); VIGIL_BENCH_EVTX=0 skips the
 * .evtx benchmark (VIGIL_BENCH_EVTX_PYTHON=0 its python-evtx part, VIGIL_BENCH_EVTX_MB its large file's size);
 * VIGIL_BENCH_ES=0 skips NDJSON → Elasticsearch beside the bare `_bulk` loop and rsyslog (see es-vs-rsyslog.ts); VIGIL_BENCH_ROUNDS sets how many baseline/Vigil pairs the NDJSON benchmark
 * runs (default 3; the median ratio is the result); VIGIL_BENCH_RULES_COST=0 skips the shipped rules.yaml's cost on
 * ingest into the event store (VIGIL_BENCH_RULES_MB, VIGIL_BENCH_RULES_ROUNDS: see rules-cost.ts); VIGIL_BENCH_LATENCY=0
 * skips the alert latency (line written → webhook received, watch on and off: see alert-latency.ts); VIGIL_BENCH_STORE=0
 * skips NDJSON → local store beside rsyslog and the Node single-thread loop (see store-vs-rsyslog.ts);
 * VIGIL_BENCH_FLEET=0 skips the fleet benchmarks (agent → Elasticsearch → fleet runner latency next to
 * ElastAlert2, VIGIL_BENCH_ELASTALERT=0 without it; the runner's read throughput; the scaling model: see fleet.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNdjson } from './generate-ndjson';
import { rulesEngineBench } from './rules-engine';
import { ruleRegexesBench } from './rule-regexes';
import { rulesCostBench } from './rules-cost';
import { evtxBench } from './evtx';
import { alertLatencyBench } from './alert-latency';
import { storeVsRsyslogBench } from './store-vs-rsyslog';
import { esVsRsyslogBench } from './es-vs-rsyslog';
import { fleetBenches } from './fleet';

interface Result { mode: string; lines: number; bytes: number; seconds: number; cpu_seconds: number; peak_rss_mb: number }

function measure(mode: string, file: string, lines: number): Result {
  const out = execFileSync(process.execPath, [join(__dirname, 'file-pipeline.js'), mode, file, String(lines)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

function row(r: Result): string {
  const lps = r.lines / r.seconds;
  const mbps = r.bytes / 1048576 / r.seconds;
  return `${r.mode.padEnd(10)} ${String(r.lines).padStart(10)} lines ${r.seconds.toFixed(2).padStart(7)} s ${Math.round(lps).toLocaleString('en-US').padStart(11)} lines/s ${mbps.toFixed(1).padStart(7)} MB/s  cpu ${r.cpu_seconds.toFixed(2)} s  peak RSS ${r.peak_rss_mb.toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const mb = Number(process.env.VIGIL_BENCH_MB ?? 1024);
  const dir = join(tmpdir(), 'vigil-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `app-${mb}mb.ndjson`);
  process.stdout.write(`generating ${mb} MB of NDJSON in ${file} (kept for the next run)...\n`);
  const lines = await generateNdjson(file, mb * 1024 * 1024);
  process.stdout.write(`\n## file → parse → normalise → null sink (${lines.toLocaleString('en-US')} lines)\n`);
  // warm the page cache so both read from memory
  measure('baseline', file, lines);
  // baseline and Vigil alternate, ROUNDS times: the ratio of each pair (measured seconds apart) and their median,
  // so that a slow spell of the machine touches both sides of a pair rather than one side of the only one
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_ROUNDS ?? 3));
  const ratios: number[] = [];
  let peak = 0;
  for (let i = 0; i < rounds; i++) {
    const base = measure('baseline', file, lines);
    process.stdout.write(`${row(base)}\n`);
    const vig = measure('vigil', file, lines);
    process.stdout.write(`${row(vig)}\n`);
    ratios.push(base.seconds / vig.seconds);
    peak = Math.max(peak, vig.peak_rss_mb);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  process.stdout.write(`ratio vigil/baseline throughput per round: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}\n`);
  process.stdout.write(`ratio vigil/baseline throughput (median of ${rounds}): ${median.toFixed(2)}x (target >= 0.5x); vigil peak RSS ${peak.toFixed(0)} MB (target < 150 MB)\n`);
  rulesEngineBench((t) => process.stdout.write(t));
  ruleRegexesBench((t) => process.stdout.write(t));
  if (process.env.VIGIL_BENCH_RULES_COST !== '0') await rulesCostBench((t) => process.stdout.write(t), dir);
  if (process.env.VIGIL_BENCH_STORE !== '0') await storeVsRsyslogBench((t) => process.stdout.write(t), dir);
  if (process.env.VIGIL_BENCH_LATENCY !== '0') await alertLatencyBench((t) => process.stdout.write(t));
  if (process.env.VIGIL_BENCH_FLEET !== '0') await fleetBenches((t) => process.stdout.write(t), dir);
  if (process.env.VIGIL_BENCH_EVTX !== '0') await evtxBench((t) => process.stdout.write(t), dir);
  if (process.env.VIGIL_BENCH_ES !== '0') await esVsRsyslogBench((t) => process.stdout.write(t), dir);
}

main().catch((err) => { console.error(err); process.exit(1); });
