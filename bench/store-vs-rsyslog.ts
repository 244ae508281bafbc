/**
 * What `npm start` users run, beside its peers on the same file in the same run: NDJSON → normalise →
 * the repo's rules.yaml → the local event store (file-pipeline.js store, with the `vigil` bin's node flags), next to rsyslog (imfile +
 * mmjsonparse + omfile: read, parse, write the JSON again; no rules, no fsync) and next to the
 * single-thread limit of Node (node-loop.js: read, JSON.parse, JSON.stringify, write). The three sides
 * run in turn, their order rotated every round, so that a slow spell of the machine touches each; the
 * results are the medians of the rounds' ratios. VIGIL_BENCH_STORE_MB sets the file's size (default
 * 256), VIGIL_BENCH_STORE_ROUNDS the rounds (default 3). Vigil runs once a round for each `workers` count
 * of VIGIL_BENCH_STORE_WORKERS (default `0,1,2`: the lines made events in the reading thread, then on one
 * and two worker threads); CPU seconds are the whole process's, its workers' included.
 */
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNdjson } from './generate-ndjson';
import { rsyslogd, type PeerRun } from './rsyslog-run';
import { rsyslogFileRun } from './rsyslog-file-run';
import { median } from './median';
import { shebangNodeFlags } from '../src/cli/node-flags';

/** A Vigil side is named by its file input's `workers` ('vigil w1'); the peers by their names. */
type Side = string;

const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

/** The daemon's side, run with the node flags of the `vigil` bin (its shebang's: the heap and young generation sizes). */
function vigilRun(file: string, lines: number, workers: string): PeerRun {
  const rules = join(__dirname, '..', '..', 'rules.yaml');
  const out = execFileSync(process.execPath, [...shebangNodeFlags(CLI), join(__dirname, 'file-pipeline.js'), 'store', file, String(lines), rules],
    { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, VIGIL_BENCH_WORKERS: workers } });
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
  const workerCounts = (process.env.VIGIL_BENCH_STORE_WORKERS ?? '0,1,2').split(',').map((w) => w.trim()).filter((w) => w !== '');
  const vigils: Side[] = workerCounts.map((w) => `vigil w${w}`);
  const sides: Side[] = [...vigils, ...('missing' in bin ? [] : ['rsyslog']), 'node loop'];
  const work = join(tmpdir(), `vigil-bench-rsyslog-${process.pid}`);
  vigilRun(file, lines, workerCounts[0]); // warms the page cache
  const runs = new Map<Side, PeerRun[]>(sides.map((s) => [s, []]));
  const ratios = new Map<Side, { rsyslog: number[]; rsyslogCpu: number[]; loop: number[] }>(vigils.map((v) => [v, { rsyslog: [], rsyslogCpu: [], loop: [] }]));
  for (let i = 0; i < rounds; i++) {
    const order = sides.map((_, k) => sides[(k + i) % sides.length]);
    const r = new Map<Side, PeerRun>();
    for (const side of order) {
      const x = side.startsWith('vigil w') ? vigilRun(file, lines, side.slice('vigil w'.length))
        : side === 'rsyslog' ? await rsyslogFileRun((bin as { path: string }).path, file, lines, work) : nodeLoopRun(file, dir);
      r.set(side, x);
      runs.get(side)!.push(x);
      out(`${side.padEnd(9)} ${x.seconds.toFixed(2).padStart(6)} s ${Math.round(lines / x.seconds).toLocaleString('en-US').padStart(9)} lines/s  cpu ${x.cpu_seconds.toFixed(2)} s (${(x.cpu_seconds / lines * 1e6).toFixed(2)} µs/line)  peak RSS ${x.peak_rss_mb.toFixed(0)} MB\n`);
    }
    for (const v of vigils) {
      const me = r.get(v)!, rs = r.get('rsyslog'), ratio = ratios.get(v)!;
      if (rs) {
        ratio.rsyslog.push(rs.seconds / me.seconds);
        ratio.rsyslogCpu.push(me.cpu_seconds / rs.cpu_seconds);
      }
      ratio.loop.push(r.get('node loop')!.seconds / me.seconds);
    }
  }
  const x = (v: number) => `${v.toFixed(2)}x`;
  for (const v of vigils) {
    const ratio = ratios.get(v)!;
    if (ratio.rsyslog.length) {
      out(`${v}/rsyslog throughput per round: ${ratio.rsyslog.map(x).join(', ')}; median ${x(median(ratio.rsyslog))} (target >= 1.5x)\n`);
      out(`${v}/rsyslog CPU seconds per line per round: ${ratio.rsyslogCpu.map(x).join(', ')}; median ${x(median(ratio.rsyslogCpu))} (target <= 1x)\n`);
    }
    out(`${v}/node loop throughput per round: ${ratio.loop.map(x).join(', ')}; median ${x(median(ratio.loop))} (target >= 0.9x with one worker, >= 1.6x with two)\n`);
  }
  const peak = (s: Side) => `${median(runs.get(s)!.map((p) => p.peak_rss_mb)).toFixed(0)} MB`;
  out(`peak RSS (medians): ${sides.map((s) => `${s} ${peak(s)}`).join(', ')} (target < 120 MB on the default path)\n`);
}
