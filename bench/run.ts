/**
 * `npm run bench`: each benchmark next to a baseline measured in the same run, printed as ratios.
 * VIGIL_BENCH_MB sets the size of the generated NDJSON file (default 1024).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNdjson } from './generate-ndjson';

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
  const base = measure('baseline', file, lines);
  process.stdout.write(`${row(base)}\n`);
  const vig = measure('vigil', file, lines);
  process.stdout.write(`${row(vig)}\n`);
  const ratio = base.seconds / vig.seconds;
  process.stdout.write(`ratio vigil/baseline throughput: ${ratio.toFixed(2)}x (target >= 0.5x); vigil peak RSS ${vig.peak_rss_mb.toFixed(0)} MB (target < 150 MB)\n`);
}

main().catch((err) => { console.error(err); process.exit(1); });
