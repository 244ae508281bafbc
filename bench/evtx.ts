/**
 * .evtx decoding (issues 5 and 14): records per second decoding every sample file in ../shared/data/evtx
 * to NDJSON with `vigil evtx`, next to independent parsers on the same files in the same run:
 * `evtx_dump -t 1 -o jsonl` (the Rust `evtx` crate, one thread: the reference; `cargo install evtx` into
 * the bench folder, or VIGIL_BENCH_EVTX_DUMP), `evtxexport -f xml` (libevtx, C; Debian libevtx-utils)
 * and `evtx_dump.py` (python-evtx, pure Python; Debian python3-evtx). Then a generated large file
 * (VIGIL_BENCH_EVTX_MB, default 1024): evtx_dump -t 1 and Vigil with 0, 1 and 2 decode workers, run in
 * turn VIGIL_BENCH_EVTX_ROUNDS times (default 3; the order rotates each round), the median of each, with
 * CPU seconds (every thread's) beside the wall time, since the machine may be shared; and Vigil's peak RSS.
 * Each tool's records/s is over the records that tool itself produced (they differ on damaged files).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { generateEvtx } from './generate-evtx';
import { shebangNodeFlags } from '../src/cli/node-flags';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'evtx');
const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

interface Run { records: number; seconds: number; peakRssMb?: number; cpuSeconds?: number; failures: number }

/** Runs a command with stdout counted as it streams: occurrences of `marker`. */
function countOutput(cmd: string, args: string[], marker: string, env?: NodeJS.ProcessEnv): Promise<{ count: number; code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    const m = Buffer.from(marker);
    let count = 0;
    let carry = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let i = buf.indexOf(m);
      let last = -1;
      while (i !== -1) { count++; last = i; i = buf.indexOf(m, i + m.length); }
      const keepFrom = Math.max(last + m.length, buf.length - (m.length - 1));
      carry = Buffer.from(buf.subarray(keepFrom));
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4096); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ count, code: code ?? 1, stderr }));
  });
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function vigil(files: string[], workers = 'auto'): Promise<Run> {
  const { value, seconds } = await timed(() => countOutput(process.execPath, [...shebangNodeFlags(CLI), join(__dirname, 'evtx-decode.js'), '--workers', workers, ...files], '\n'));
  const last = value.stderr.trim().split('\n').pop() ?? '{}';
  let peakRssMb: number | undefined;
  let cpuSeconds: number | undefined;
  try {
    const summary = JSON.parse(last) as { peak_rss_mb: number; cpu_s: number };
    peakRssMb = summary.peak_rss_mb;
    cpuSeconds = summary.cpu_s;
  } catch { /* no summary line */ }
  return { records: value.count, seconds, peakRssMb, cpuSeconds, failures: value.code === 0 ? 0 : 1 };
}

/** `evtx_dump -t 1 -o jsonl FILE` (one JSON line per record), its CPU seconds from the shell's `times`. */
async function evtxDump(bin: string, file: string): Promise<Run> {
  const script = '"$0" -t 1 -o jsonl "$1"; code=$?; times >&2; exit $code';
  const { value, seconds } = await timed(() => countOutput('sh', ['-c', script, bin, file], '\n'));
  // `times`: the shell's own user/system times, then its children's: "0m0.390s 0m0.070s"
  const child = value.stderr.trim().split('\n').pop() ?? '';
  const secs = [...child.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { records: value.count, seconds, cpuSeconds: secs.length === 2 ? secs[0] + secs[1] : undefined, failures: value.code === 0 ? 0 : 1 };
}

/**
 * The Rust crate's `evtx_dump`: VIGIL_BENCH_EVTX_DUMP, else `cargo install evtx --root <dir>/cargo-evtx`
 * once (kept for later runs); undefined (with the reason printed) when there is no cargo or it fails.
 */
function ensureEvtxDump(dir: string, print: (text: string) => void): string | undefined {
  const given = process.env.VIGIL_BENCH_EVTX_DUMP;
  if (given) return existsSync(given) ? given : (print(`evtx_dump: VIGIL_BENCH_EVTX_DUMP=${given} does not exist; comparison skipped\n`), undefined);
  const root = join(dir, 'cargo-evtx');
  const bin = join(root, 'bin', 'evtx_dump');
  if (existsSync(bin)) return bin;
  try {
    execFileSync('sh', ['-c', 'command -v cargo'], { stdio: 'ignore' });
  } catch {
    print('evtx_dump: cargo is not installed (https://rustup.rs); the Rust reference is skipped\n');
    return undefined;
  }
  print(`evtx_dump: cargo install evtx --root ${root} (once; a few minutes)\n`);
  try {
    execFileSync('cargo', ['install', '--locked', 'evtx', '--root', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    print(`evtx_dump: cargo install evtx failed (${(e as Error).message.split('\n')[0]}); the Rust reference is skipped\n`);
    return undefined;
  }
  return existsSync(bin) ? bin : undefined;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The median run of several: median wall time, median CPU seconds, the records of the first. */
function medianRun(runs: Run[]): Run {
  const cpu = runs.map((r) => r.cpuSeconds).filter((c): c is number => c !== undefined);
  const rss = runs.map((r) => r.peakRssMb).filter((c): c is number => c !== undefined);
  return {
    records: runs[0].records, seconds: median(runs.map((r) => r.seconds)), failures: runs.reduce((n, r) => n + r.failures, 0),
    cpuSeconds: cpu.length ? median(cpu) : undefined, peakRssMb: rss.length ? Math.max(...rss) : undefined,
  };
}

/** One process per file (both tools take one file at a time). */
async function perFile(cmd: string, args: (f: string) => string[], files: string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  let records = 0, failures = 0;
  const { seconds } = await timed(async () => {
    for (const f of files) {
      const r = await countOutput(cmd, args(f), '</Event>', env);
      records += r.count;
      if (r.code !== 0) failures++;
    }
  });
  return { records, seconds, failures };
}

/** A tool from a Debian package, installed when missing and this is root with apt (as the test set-up does). */
function ensureTool(path: string, pkg: string): boolean {
  const have = (): boolean => existsSync(path) || (() => { try { execFileSync('sh', ['-c', `command -v ${path}`], { stdio: 'ignore' }); return true; } catch { return false; } })();
  if (have()) return true;
  if (process.getuid?.() === 0) {
    try {
      execFileSync('sh', ['-c', `apt-get install -y -qq ${pkg} >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq ${pkg} >/dev/null 2>&1)`], { stdio: 'ignore' });
    } catch { /* reported below */ }
  }
  return have();
}

const best = (runs: Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const rate = (r: Run): number => r.records / r.seconds;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function evtxBench(print: (text: string) => void, dir: string): Promise<void> {
  const samples = (await fg('**/*.evtx', { cwd: DATA, absolute: true })).sort();
  if (samples.length === 0) {
    print(`\n## .evtx decoding: skipped (no sample files in ${DATA})\n`);
    return;
  }
  print(`\n## .evtx → NDJSON, ${samples.length} sample files (${DATA})\n`);
  const dump = ensureEvtxDump(dir, print);
  const hasEvtxexport = ensureTool('evtxexport', 'libevtx-utils');
  const pyDump = '/usr/bin/evtx_dump.py';
  const hasPython = process.env.VIGIL_BENCH_EVTX_PYTHON !== '0' && ensureTool(pyDump, 'python3-evtx');
  await vigil(samples); // warm the page cache and the disk for every tool
  const vig = best([await vigil(samples), await vigil(samples), await vigil(samples)]);
  const row = (name: string, r: Run, note = ''): string =>
    `${name.padEnd(22)} ${String(r.records).padStart(7)} records ${r.seconds.toFixed(2).padStart(7)} s ${fmt(rate(r)).padStart(9)} records/s${note}\n`;
  print(row('vigil evtx (best of 3)', vig, vig.peakRssMb ? `  peak RSS ${vig.peakRssMb.toFixed(0)} MB` : ''));
  if (dump) {
    const each = async (): Promise<Run> => {
      const runs: Run[] = [];
      const t = await timed(async () => { for (const f of samples) runs.push(await evtxDump(dump, f)); });
      return { records: runs.reduce((n, r) => n + r.records, 0), seconds: t.seconds, failures: runs.reduce((n, r) => n + r.failures, 0) };
    };
    const rs = best([await each(), await each(), await each()]);
    print(row('evtx_dump -t 1 (best of 3)', rs, rs.failures ? `  (${rs.failures} files failed)` : ''));
    print(`ratio vigil/evtx_dump records/s: ${(rate(vig) / rate(rs)).toFixed(3)}x (one process per file for evtx_dump)\n`);
  }
  if (hasEvtxexport) {
    const ex = best([
      await perFile('evtxexport', (f) => ['-f', 'xml', f], samples),
      await perFile('evtxexport', (f) => ['-f', 'xml', f], samples),
      await perFile('evtxexport', (f) => ['-f', 'xml', f], samples),
    ]);
    print(row('evtxexport (best of 3)', ex, ex.failures ? `  (${ex.failures} files failed)` : ''));
    print(`ratio vigil/evtxexport records/s: ${(rate(vig) / rate(ex)).toFixed(2)}x (target >= 1x)\n`);
  } else {
    print('evtxexport: not installed (apt-get install libevtx-utils); comparison skipped\n');
  }
  if (hasPython) {
    // Debian's interpreter, which has the package's module (a python3 earlier on PATH, e.g. pyenv's, may not)
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const py = await perFile(python, (f) => [pyDump, f], samples, { ...process.env, PYTHONIOENCODING: 'utf-8' });
    print(row('python-evtx (1 run)', py, py.failures ? `  (${py.failures} files failed part-way)` : ''));
    print(`ratio vigil/python-evtx records/s: ${(rate(vig) / rate(py)).toFixed(1)}x (target >= 50x)\n`);
  } else {
    print('python-evtx: skipped (VIGIL_BENCH_EVTX_PYTHON=0, or apt-get install python3-evtx failed)\n');
  }

  const mb = Number(process.env.VIGIL_BENCH_EVTX_MB ?? 1024);
  const big = join(dir, `evtx-${mb}mb.evtx`);
  const chunks = generateEvtx(big, mb * 1048576, samples);
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_EVTX_ROUNDS ?? 3));
  print(`\n## one ${mb} MB .evtx file (${chunks.toLocaleString('en-US')} chunks of the samples, ${big}), median of ${rounds} rounds\n`);
  const sides: Array<{ name: string; run: () => Promise<Run> }> = [
    ...(dump ? [{ name: 'evtx_dump -t 1', run: () => evtxDump(dump, big) }] : []),
    { name: 'vigil --workers 0', run: () => vigil([big], '0') },
    { name: 'vigil --workers 1', run: () => vigil([big], '1') },
    { name: 'vigil --workers 2', run: () => vigil([big], '2') },
  ];
  const runs = new Map<string, Run[]>(sides.map((x) => [x.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(i + r) % sides.length]; // each side goes first in some round
      runs.get(side.name)?.push(await side.run());
    }
  }
  const med = new Map([...runs].map(([k, v]) => [k, medianRun(v)]));
  const cpuRate = (r: Run): string => (r.cpuSeconds ? `${fmt(r.records / r.cpuSeconds).padStart(9)} records/CPU-s (${r.cpuSeconds.toFixed(2)} CPU-s)` : '');
  for (const [name, r] of med) {
    print(row(name, r, `  ${cpuRate(r)}${r.peakRssMb ? `  peak RSS ${r.peakRssMb.toFixed(0)} MB (target < 200 MB)` : ''}`));
  }
  const ref = med.get('evtx_dump -t 1');
  const w0 = med.get('vigil --workers 0') as Run;
  for (const name of ['vigil --workers 0', 'vigil --workers 1', 'vigil --workers 2']) {
    const r = med.get(name) as Run;
    const parts = [`${name}:`];
    if (ref) parts.push(`${(rate(r) / rate(ref)).toFixed(3)}x evtx_dump -t 1 (records/s; target >= 0.25x)`);
    if (ref?.cpuSeconds && r.cpuSeconds) parts.push(`${((r.records / r.cpuSeconds) / (ref.records / ref.cpuSeconds)).toFixed(3)}x per CPU-s`);
    if (name !== 'vigil --workers 0') parts.push(`${(rate(r) / rate(w0)).toFixed(2)}x --workers 0${name.endsWith('2') ? ' (target >= 1.7x on two free cores)' : ''}`);
    print(`${parts.join('  ')}\n`);
  }
}
