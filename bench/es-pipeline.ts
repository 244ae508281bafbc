/**
 * One Elasticsearch measurement in its own process:
 *   node es-pipeline.js baseline FILE LINES URL TARGET   a minimal _bulk loop: the file's lines posted as
 *                                                        documents, 1000 per request, 2 requests in flight
 *   node es-pipeline.js vigil FILE LINES URL TARGET      the daemon: file → normalise → spool → _bulk
 * Prints {mode, lines, seconds, cpu_seconds, peak_rss_mb}; both wait until Elasticsearch counts every document.
 */
import { readFileSync, mkdtempSync, rmSync, mkdirSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../src/daemon';
import { silentLogger } from '../src/log';
import { Metrics } from '../src/metrics';
import type { VigilConfig } from '../src/config/types';

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

async function count(url: string, target: string): Promise<number> {
  await fetch(`${url}/${target}/_refresh`, { method: 'POST' });
  const r = await fetch(`${url}/${target}/_count`);
  return r.ok ? ((await r.json()) as { count: number }).count : 0;
}

/** Posts the lines as they are; returns how many Elasticsearch took (raw lines of mixed loggers conflict in places). */
async function baseline(file: string, url: string, target: string): Promise<number> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l);
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += 1000) {
    batches.push(lines.slice(i, i + 1000).map((l, j) => `{"create":{"_id":"b${i + j}"}}\n${l}\n`).join(''));
  }
  let next = 0;
  let taken = 0;
  const worker = async () => {
    while (next < batches.length) {
      const body = batches[next++];
      const r = await fetch(`${url}/${target}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      const res = (await r.json()) as { items: Array<{ create: { status: number } }> };
      taken += res.items.filter((i) => i.create.status === 201 || i.create.status === 409).length;
    }
  };
  await Promise.all([worker(), worker()]);
  return taken;
}

async function vigil(file: string, url: string, target: string, expected: number): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), 'vigil-bench-es-'));
  mkdirSync(join(state, 'logs'));
  linkSync(file, join(state, 'logs', 'app.ndjson'));
  const cfg: VigilConfig = {
    source: '<bench>', host_name: 'bench', state_dir: join(state, 'state'), rules: join(state, 'rules.yaml'),
    inputs: [{ type: 'file', id: 'bench', paths: [join(state, 'logs', '*.ndjson')], exclude: [], dataset: 'bench', max_line_bytes: 1 << 20,
      scan_interval_ms: 1000, poll_interval_ms: 50, close_inactive_ms: 300_000, max_open_files: 16, fingerprint_bytes: 1024 }],
    event_store: { dir: join(state, 'events') }, outbox_dir: join(state, 'outbox'),
    control: { listen: '127.0.0.1:0', token_file: join(state, 'token') }, logging: { level: 'warn' },
    pipeline: { max_inflight_events: 20000, batch_size: 1000, flush_interval_ms: 200, checkpoint_interval_ms: 1000 },
    elasticsearch: { hosts: [url], data_stream: target, batch_size: 1000, batch_bytes: 5 << 20, flush_interval_ms: 1000, max_inflight_requests: 2,
      request_timeout_ms: 60_000, spool_max_bytes: 4 << 30, spool_segment_bytes: 64 << 20 },
  };
  const daemon = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
  await daemon.start();
  while ((await count(url, target)) < expected) await new Promise((r) => setTimeout(r, 200));
  await daemon.stop();
  rmSync(state, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const [mode, file, linesArg, url, target] = process.argv.slice(2);
  // (throughput is lines handled per second for both; the baseline's rejected lines are counted as handled)
  const expected = Number(linesArg);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (mode === 'baseline') {
    const taken = await baseline(file, url, target);
    while ((await count(url, target)) < taken) await new Promise((r) => setTimeout(r, 200));
  } else {
    await vigil(file, url, target, expected);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  process.stdout.write(`${JSON.stringify({ mode, lines: expected, seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: peakRss / 1048576 })}\n`);
}

main().catch((err) => { console.error(err); process.exit(1); });
