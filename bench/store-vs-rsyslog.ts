/**
 * What `npm start` users run, beside its peers on the same file in the same run: NDJSON → normalise →
 * the repo's rules.yaml → the local event store (file-pipeline.js store, with the `vigil` bin's node flags), next to rsyslog (imfile +
 * mmjsonparse + omfile: read, parse, write the JSON again; no rules, no fsync) and next to the
 * single-thread limit of Node (node-loop.js: read, JSON.parse, JSON.stringify, write). The three sides
 * run in turn, their order rotated every round, so that a slow spell of the machine touches each; the
 * results are the medians of the rounds' ratios. VIGIL_BENCH_STORE_MB sets the file's size (default
 * 256), VIGIL_BENCH_STORE_ROUNDS the rounds (default 3).
 */
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNdjson } from './generate-ndjson';
import { rsyslogd, type PeerRun } from './rsyslog-run';
import { rsyslogFileRun } from './rsyslog-file-run';
import { median } from './median';
import { shebangNodeFlags } from '../src/cli/node-flags';

type Side = 'vigil' | 'rsyslog' | 'node loop';

const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

/** The daemon's side, run with the node flags of the `vigil` bin (its shebang's: the heap and young generation sizes). */
function vigilRun(file: string, lines: number): PeerRun {
  const rules = join(__dirname, '..', '..', 'rules.yaml');
  const out = execFileSync(process.execPath, [...shebangNodeFlags(CLI), join(__dirname, 'file-pipeline.js'), 'store', file, String(lines), rules], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as PeerRun;
}

function nodeLoopRun(file: string, dir: string): PeerRun {
  const out = execFileSync(process.execPath, [join(__dirname, 'node-loop.js'), file, join(dir, 'node-loop.out')], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as PeerRun;
}

export async function storeVsRsyslogBench(out: (s: string) => void, dir: string): Promise<void> {
  const mb = Number(process.env.VIGIL_BENCH_STORE_MB ?? 256);
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_STORE_ROUNDS ?? 3));
  const file = join(dir, `app-${mb}mb.ndjson`);
  const lines = await generateNdjson(file, mb * 1024 * 1024);
  out(`\n## NDJSON → local store with rules.yaml (what npm start runs) beside rsyslog and the Node single-thread limit (${lines.toLocaleString('en-US')} lines, ${mb} MB; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
  const bin = rsyslogd();
  if ('missing' in bin) out(`rsyslog left out: ${bin.missing}\n`);
  const sides: Side[] = 'missing' in bin ? ['vigil', 'node loop'] : ['vigil', 'rsyslog', 'node loop'];
  const work = join(tmpdir(), `vigil-bench-rsyslog-${process.pid}`);
  vigilRun(file, lines); // warms the page cache
  const runs: Record<Side, PeerRun[]> = { vigil: [], rsyslog: [], 'node loop': [] };
  const ratios = { rsyslog: [] as number[], rsyslogCpu: [] as number[], loop: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const order = sides.map((_, k) => sides[(k + i) % sides.length]);
    const r: Partial<Record<Side, PeerRun>> = {};
    for (const side of order) {
      r[side] = side === 'vigil' ? vigilRun(file, lines) : side === 'rsyslog' ? await rsyslogFileRun((bin as { path: string }).path, file, lines, work) : nodeLoopRun(file, dir);
      runs[side].push(r[side]!);
      const x = r[side]!;
      out(`${side.padEnd(9)} ${x.seconds.toFixed(2).padStart(6)} s ${Math.round(lines / x.seconds).toLocaleString('en-US').padStart(9)} lines/s  cpu ${x.cpu_seconds.toFixed(2)} s (${(x.cpu_seconds / lines * 1e6).toFixed(2)} µs/line)  peak RSS ${x.peak_rss_mb.toFixed(0)} MB\n`);
    }
    if (r.rsyslog) {
      ratios.rsyslog.push(r.rsyslog.seconds / r.vigil!.seconds);
      ratios.rsyslogCpu.push(r.vigil!.cpu_seconds / r.rsyslog.cpu_seconds);
    }
    ratios.loop.push(r['node loop']!.seconds / r.vigil!.seconds);
  }
  const x = (v: number) => `${v.toFixed(2)}x`;
  if (ratios.rsyslog.length) {
    out(`vigil/rsyslog throughput per round: ${ratios.rsyslog.map(x).join(', ')}; median ${x(median(ratios.rsyslog))} (target >= 1.5x)\n`);
    out(`vigil/rsyslog CPU seconds per line per round: ${ratios.rsyslogCpu.map(x).join(', ')}; median ${x(median(ratios.rsyslogCpu))} (target <= 1x)\n`);
  }
  out(`vigil/node loop throughput per round: ${ratios.loop.map(x).join(', ')}; median ${x(median(ratios.loop))} (target >= 0.9x with one worker)\n`);
  out(`peak RSS: vigil ${median(runs.vigil.map((r) => r.peak_rss_mb)).toFixed(0)} MB (target < 120 MB)${runs.rsyslog.length ? `, rsyslog ${median(runs.rsyslog.map((r) => r.peak_rss_mb)).toFixed(0)} MB` : ''}, node loop ${median(runs['node loop'].map((r) => r.peak_rss_mb)).toFixed(0)} MB (medians)\n`);
}
