/**
 * One Elasticsearch measurement in its own process:
 *   node es-pipeline.js baseline FILE LINES URL TARGET   a minimal _bulk loop posting the documents Vigil
 *                                                        makes of the lines (normalised before the clock
 *                                                        starts), 1000 per request, 2 requests in flight
 *   node es-pipeline.js vigil FILE LINES URL TARGET      the daemon: file → normalise → spool → _bulk
 *   node es-pipeline.js documents FILE OUT               writes those documents to OUT, one a line (the input
 *                                                        of rsyslog's side, which cannot normalise)
 * Prints {mode, lines, seconds, cpu_seconds, peak_rss_mb}; both are checked against Elasticsearch's count at the end.
 */
import { readFileSync, writeFileSync, appendFileSync, mkdtempSync, rmSync, mkdirSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../src/runtime/daemon';
import { silentLogger } from '../src/core/log';
import { Metrics } from '../src/core/metrics';
import type { VigilConfig, ElasticsearchConfig } from '../src/runtime/config/types';
import { DEFAULT_PIPELINE } from '../src/runtime/config/root-options';
import { normaliseNdjsonLine } from '../collectors/ndjson/ndjson';
import { fileEventId, fileIdPrefix, hostIdTag } from '../src/core/event';
import { createClient } from '../sinks/elasticsearch/client';
import { setupTarget } from '../sinks/elasticsearch/template';
import { VIGIL_VERSION } from '../src/core/version';

/** The process's peak resident set so far, in MB: the kernel's (VmHWM, as rsyslog's is read), not a sample. */
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

async function count(url: string, target: string): Promise<number> {
  await fetch(`${url}/${target}/_refresh`, { method: 'POST' });
  const r = await fetch(`${url}/${target}/_count`);
  return r.ok ? ((await r.json()) as { count: number }).count : 0;
}

/** The documents Vigil makes of the file's lines (normalised), each with its id. */
function* documents(file: string): Generator<{ id: string; json: string }> {
  const text = readFileSync(file);
  const prefix = fileIdPrefix('0'.repeat(32));
  const tag = hostIdTag('bench');
  const ingested = new Date().toISOString();
  let start = 0;
  for (let nl = text.indexOf(10); nl >= 0; start = nl + 1, nl = text.indexOf(10, start)) {
    const doc = normaliseNdjsonLine(text.subarray(start, nl), { hostName: 'bench', path: file, offset: start, dataset: 'bench', truncated: false, ingested });
    yield { id: fileEventId(prefix, start, tag), json: JSON.stringify(doc) };
  }
}

/**
 * The documents as `_bulk` bodies of 1000: made before the clock starts, so that the baseline is the
 * `_bulk` loop alone, sending what Vigil sends.
 */
function bulkBodies(file: string): string[] {
  const bodies: string[] = [];
  let parts: string[] = [];
  for (const d of documents(file)) {
    parts.push(`{"create":{"_id":"${d.id}"}}\n${d.json}\n`);
    if (parts.length === 1000) { bodies.push(parts.join('')); parts = []; }
  }
  if (parts.length) bodies.push(parts.join(''));
  return bodies;
}

/** A minimal `_bulk` loop: the bodies posted as they are, 2 requests in flight; returns how many Elasticsearch took. */
async function baseline(bodies: string[], url: string, target: string): Promise<number> {
  let next = 0;
  let taken = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
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
      scan_interval_ms: 1000, poll_interval_ms: 50, watch: true, close_inactive_ms: 300_000, max_open_files: 16, fingerprint_bytes: 1024, workers: 'auto' }],
    event_store: { dir: join(state, 'events') }, outbox_dir: join(state, 'outbox'),
    control: { listen: '127.0.0.1:0', token_file: join(state, 'token') }, logging: { level: 'warn' },
    pipeline: { ...DEFAULT_PIPELINE },
    elasticsearch: { hosts: [url], data_stream: target, batch_size: 1000, batch_bytes: 5 << 20, flush_interval_ms: 1000, max_inflight_requests: 2,
      request_timeout_ms: 60_000, spool_max_bytes: 4 * 1024 ** 3, spool_segment_bytes: 64 * 1024 ** 2 },
  };
  const metrics = new Metrics();
  const daemon = new Daemon(cfg, { log: silentLogger(), metrics });
  await daemon.start();
  // done when the sink has Elasticsearch's answer for every document (asking Elasticsearch itself
  // with _refresh + _count while it indexes would slow it down)
  const answered = async () => (await metrics.sinkEvents.get()).values
    .filter((v) => v.labels.sink === 'elasticsearch' && v.labels.outcome !== 'retry').reduce((a, v) => a + v.value, 0);
  while ((await answered()) < expected) await new Promise((r) => setTimeout(r, 20));
  await daemon.stop();
  rmSync(state, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const [mode, file, linesArg, url, target] = process.argv.slice(2);
  if (mode === 'documents') {
    // (FILE OUT) the documents alone, one a line, for a peer that cannot normalise (rsyslog): made once, before any clock
    writeFileSync(linesArg, '');
    let batch: string[] = [];
    for (const d of documents(file)) {
      batch.push(d.json);
      if (batch.length === 10_000) { appendFileSync(linesArg, `${batch.join('\n')}\n`); batch = []; }
    }
    if (batch.length) appendFileSync(linesArg, `${batch.join('\n')}\n`);
    return;
  }
  // (throughput is lines handled per second for both; the baseline's rejected lines are counted as handled)
  const expected = Number(linesArg);
  const bodies = mode === 'baseline' ? bulkBodies(file) : [];
  // Both write to a data stream with Vigil's index template, set up before the clock starts (a one-time
  // step in a daemon's life; creating a data stream takes Elasticsearch a moment).
  const client = createClient({ hosts: [url], request_timeout_ms: 60_000 } as ElasticsearchConfig);
  await setupTarget(client, { dataStream: target, vigilVersion: VIGIL_VERSION });
  await client.close();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let taken = expected;
  if (mode === 'baseline') taken = await baseline(bodies, url, target);
  else await vigil(file, url, target, expected);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const indexed = await count(url, target);
  if (indexed !== taken) throw new Error(`${mode}: Elasticsearch holds ${indexed} documents, expected ${taken}`);
  process.stdout.write(`${JSON.stringify({ mode, lines: expected, seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: peakRssMb() })}\n`);
}

main().catch((err) => { console.error(err); process.exit(1); });
