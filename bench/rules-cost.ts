/**
 * What the repo's rules.yaml costs on NDJSON ingest, end to end into the local event store (the
 * embedded default's sink): the same file read by the file collector → normaliser → rules → event
 * store, once with the shipped rules.yaml and once with an empty rules file, each run in its own
 * process (file-pipeline.js store). The two alternate, their order swapped every round, so that a slow
 * spell of the machine touches both sides of a pair; the result is the median of the rounds' costs.
 * Throughput is measured once the daemon has started; what loading the rules adds to its start (a
 * one-time cost of a process that then runs for days) is printed beside it.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateNdjson } from './generate-ndjson';
import { median } from './median';

interface StoreRun { lines: number; bytes: number; seconds: number; cpu_seconds: number; peak_rss_mb: number; start_seconds: number; start_cpu_seconds: number }

function storeRun(file: string, lines: number, rulesFile: string): StoreRun {
  const out = execFileSync(process.execPath, [join(__dirname, 'file-pipeline.js'), 'store', file, String(lines), rulesFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as StoreRun;
}

/** the seconds the daemon spent ingesting, once started (its start, loading the rules among others, is a one-time cost) */
function ingestSeconds(r: StoreRun): number {
  return r.seconds - r.start_seconds;
}

/** the CPU time the daemon spent ingesting, once started (all its threads) */
function ingestCpuSeconds(r: StoreRun): number {
  return r.cpu_seconds - r.start_cpu_seconds;
}

function row(label: string, r: StoreRun): string {
  const s = ingestSeconds(r);
  return `${label.padEnd(10)} start ${(r.start_seconds * 1000).toFixed(0).padStart(4)} ms, then ${s.toFixed(2).padStart(6)} s ${Math.round(r.lines / s).toLocaleString('en-US').padStart(9)} lines/s ${(r.bytes / 1048576 / s).toFixed(1).padStart(6)} MB/s  (all: cpu ${r.cpu_seconds.toFixed(2)} s, peak RSS ${r.peak_rss_mb.toFixed(0)} MB)`;
}

/**
 * VIGIL_BENCH_RULES_MB sets the file's size (default 128: long enough that loading the rules is not
 * most of the difference), VIGIL_BENCH_RULES_ROUNDS the number of pairs (default 11: a pair varies by several percent either way).
 */
export async function rulesCostBench(out: (s: string) => void, dir: string): Promise<void> {
  const mb = Number(process.env.VIGIL_BENCH_RULES_MB ?? 128);
  const file = join(dir, `app-${mb}mb.ndjson`);
  const lines = await generateNdjson(file, mb * 1024 * 1024);
  const none = join(dir, 'no-rules.yaml');
  writeFileSync(none, 'rules: []\n');
  const shipped = join(__dirname, '..', '..', 'rules.yaml');
  out(`\n## the shipped rules.yaml's cost: file → parse → normalise → rules → event store (${lines.toLocaleString('en-US')} lines, ${mb} MB)\n`);
  storeRun(file, lines, none); // warms the page cache
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_RULES_ROUNDS ?? 11));
  const costs: number[] = [];
  const cpuCosts: number[] = [];
  const startCosts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const pair: Record<string, StoreRun> = {};
    for (const which of i % 2 === 0 ? ['no rules', 'rules.yaml'] : ['rules.yaml', 'no rules']) {
      pair[which] = storeRun(file, lines, which === 'no rules' ? none : shipped);
      out(`${row(which, pair[which])}\n`);
    }
    // the ingest throughput lost to the rules: 1 - (lines/s with them) / (lines/s without)
    costs.push(1 - ingestSeconds(pair['no rules']) / ingestSeconds(pair['rules.yaml']));
    // the same in CPU time per line (less moved by other processes than the elapsed time)
    cpuCosts.push(1 - ingestCpuSeconds(pair['no rules']) / ingestCpuSeconds(pair['rules.yaml']));
    startCosts.push(pair['rules.yaml'].start_seconds - pair['no rules'].start_seconds);
  }
  const pct = (c: number) => `${(c * 100).toFixed(1)}%`;
  out(`ingest throughput lost to rules.yaml per round: ${costs.map(pct).join(', ')}\n`);
  out(`ingest throughput lost to rules.yaml (median of ${rounds}): ${pct(median(costs))} (target < 5%)\n`);
  out(`the same in CPU time per line, per round: ${cpuCosts.map(pct).join(', ')}; median ${pct(median(cpuCosts))}\n`);
  out(`and once, at start, loading it: ${(median(startCosts) * 1000).toFixed(0)} ms (median of ${rounds})\n`);
}
