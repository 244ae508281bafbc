/**
 * One measurement in its own process (so its RSS is its own):
 *   node file-pipeline.js baseline FILE LINES   a plain loop: read the file in chunks, split lines, JSON.parse each
 *   node file-pipeline.js vigil FILE LINES      the file collector → normaliser → rules entry → null sink
 *   node file-pipeline.js store FILE LINES RULES  the file collector → normaliser → rules (the file RULES) →
 *                                               the local event store (the embedded default's sink, in a temp folder)
 * VIGIL_BENCH_WORKERS sets the file input's `workers` (default `auto`).
 * Prints one JSON line: {mode, lines, bytes, seconds, cpu_seconds, peak_rss_mb}, and in store mode start_seconds
 * (the part of `seconds` that daemon.start() took: loading the rules, opening the store) and start_cpu_seconds
 * (the CPU time of it, within cpu_seconds).
 */
import { openSync, readSync, closeSync, statSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { Daemon } from '../src/runtime/daemon';
import { NullSink } from '../sinks/null-sink';
import { silentLogger } from '../src/core/log';
import { Metrics } from '../src/core/metrics';
import type { VigilConfig } from '../src/runtime/config/types';
import { DEFAULT_PIPELINE } from '../src/runtime/config/root-options';
import { FILE_INPUT_DEFAULTS } from '../collectors/file/config';

/** The process's peak resident set so far, in MB: the kernel's (VmHWM, as the peers' are read), not a sample. */
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function baseline(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(256 * 1024);
  let carry = '';
  let lines = 0;
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    pos += n;
    const text = carry + buf.toString('utf8', 0, n);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      JSON.parse(text.slice(start, nl));
      lines++;
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  closeSync(fd);
  return lines;
}

/** The daemon's config: one file input reading `file`; its state, rules file and event store in `state`. */
function benchConfig(state: string, file: string): VigilConfig {
  return {
    source: '<bench>', host_name: 'bench', state_dir: state, rules: join(state, 'rules.yaml'),
    inputs: [{ type: 'file', id: 'bench', paths: [join(dirname(file), basename(file))], exclude: [], dataset: 'bench', max_line_bytes: 1 << 20,
      scan_interval_ms: 1000, poll_interval_ms: 50, watch: true, close_inactive_ms: 300_000, max_open_files: 16, fingerprint_bytes: 1024, workers: benchWorkers() }],
    event_store: { dir: join(state, 'events') }, outbox_dir: join(state, 'outbox'),
    control: { listen: '127.0.0.1:0', token_file: join(state, 'token') }, logging: { level: 'warn' },
    pipeline: { ...DEFAULT_PIPELINE },
  };
}

/** The file input's `workers`: VIGIL_BENCH_WORKERS (a count, or `auto`) or, unset, the input's default. */
function benchWorkers(): number | 'auto' {
  const v = process.env.VIGIL_BENCH_WORKERS;
  if (v === undefined || v === '') return FILE_INPUT_DEFAULTS.workers;
  return v === 'auto' ? 'auto' : Number(v);
}

async function vigil(file: string, expected: number): Promise<number> {
  const state = mkdtempSync(join(tmpdir(), 'vigil-bench-state-'));
  const sink = new NullSink();
  const cfg = benchConfig(state, file);
  const daemon = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics(), sinks: [sink] });
  await daemon.start();
  while (sink.events < expected) await new Promise((r) => setTimeout(r, 5));
  await daemon.stop();
  rmSync(state, { recursive: true, force: true });
  return sink.events;
}

/** store: how long daemon.start() took (loading the rules among others), within `seconds`, and the CPU time it used */
let startSeconds: number | undefined;
let startCpuSeconds: number | undefined;

/** Into the event store (fsynced daily files), through the rules of `rulesFile` (copied into the state folder). */
async function store(file: string, expected: number, rulesFile: string): Promise<number> {
  const state = mkdtempSync(join(tmpdir(), 'vigil-bench-state-'));
  const cfg = benchConfig(state, file);
  copyFileSync(rulesFile, cfg.rules);
  const daemon = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
  const sink = daemon.sinks[0];
  let written = 0;
  const write = sink.write.bind(sink);
  sink.write = async (events) => { await write(events); written += events.length; };
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await daemon.start();
  startSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = process.cpuUsage(c0);
  startCpuSeconds = (c1.user + c1.system) / 1e6;
  while (written < expected) await new Promise((r) => setTimeout(r, 5));
  await daemon.stop();
  rmSync(state, { recursive: true, force: true });
  return written;
}

async function main(): Promise<void> {
  const [mode, file, linesArg, rulesFile] = process.argv.slice(2);
  const expected = Number(linesArg);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const lines = mode === 'baseline' ? baseline(file) : mode === 'store' ? await store(file, expected, rulesFile) : await vigil(file, expected);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ mode, lines, bytes: statSync(file).size, seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: peakRssMb(), ...(startSeconds !== undefined ? { start_seconds: startSeconds, start_cpu_seconds: startCpuSeconds } : {}) })}\n`);
}

main().catch((err) => { console.error(err); process.exit(1); });
