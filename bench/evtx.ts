/**
 * .evtx decoding (issue 5): records per second decoding every sample file in ../shared/data/evtx to
 * NDJSON with `vigil evtx`, next to two independent parsers on the same files in the same run:
 * `evtxexport -f xml` (libevtx, C; Debian libevtx-utils) and `evtx_dump.py` (python-evtx, pure Python;
 * Debian python3-evtx). Then Vigil alone on a generated 1 GB file, for its peak RSS.
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

interface Run { records: number; seconds: number; peakRssMb?: number; failures: number }

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

async function vigil(files: string[]): Promise<Run> {
  const { value, seconds } = await timed(() => countOutput(process.execPath, [...shebangNodeFlags(CLI), join(__dirname, 'evtx-decode.js'), ...files], '\n'));
  const last = value.stderr.trim().split('\n').pop() ?? '{}';
  let peakRssMb: number | undefined;
  try { peakRssMb = (JSON.parse(last) as { peak_rss_mb: number }).peak_rss_mb; } catch { /* no summary line */ }
  return { records: value.count, seconds, peakRssMb, failures: value.code === 0 ? 0 : 1 };
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
  const hasEvtxexport = ensureTool('evtxexport', 'libevtx-utils');
  const pyDump = '/usr/bin/evtx_dump.py';
  const hasPython = process.env.VIGIL_BENCH_EVTX_PYTHON !== '0' && ensureTool(pyDump, 'python3-evtx');
  await vigil(samples); // warm the page cache and the disk for every tool
  const vig = best([await vigil(samples), await vigil(samples), await vigil(samples)]);
  const row = (name: string, r: Run, note = ''): string =>
    `${name.padEnd(22)} ${String(r.records).padStart(7)} records ${r.seconds.toFixed(2).padStart(7)} s ${fmt(rate(r)).padStart(9)} records/s${note}\n`;
  print(row('vigil evtx (best of 3)', vig, vig.peakRssMb ? `  peak RSS ${vig.peakRssMb.toFixed(0)} MB` : ''));
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
  const r = await vigil([big]);
  print(`\n## one ${mb} MB .evtx file (${chunks.toLocaleString('en-US')} chunks of the samples, ${big})\n`);
  print(row('vigil evtx', r, `  peak RSS ${r.peakRssMb?.toFixed(0) ?? '?'} MB (target < 200 MB)`));
}
