/**
 * NDJSON → Elasticsearch, the same documents three ways on the same server in the same run: Vigil (the
 * daemon in es-pipeline.js: file → normalise → spool → `_bulk`, run with the `vigil` bin's node flags),
 * the bare `_bulk` loop (es-pipeline.js baseline: the documents Vigil makes, built before its clock,
 * 1000 a request, 2 in flight) and rsyslog (rsyslog-es-run.ts: imfile → mmjsonparse → omelasticsearch,
 * bulk mode, over a file of those documents, since rsyslog cannot normalise). Each run writes a data
 * stream of its own with Vigil's template, and each is checked against Elasticsearch's count. The sides
 * take turns, their order rotated every round (VIGIL_BENCH_ES_ROUNDS, default 3); it prints each run
 * (docs/s, CPU seconds of the side's process and of Elasticsearch, peak RSS, the load average), each
 * round's ratios and their medians. VIGIL_BENCH_ES_LINES sets the lines (default 300,000).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNdjsonLines } from './generate-ndjson';
import { benchElasticsearch, esJson, esCpuMs } from './bench-es';
import { rsyslogd, type PeerRun } from './rsyslog-run';
import { rsyslogEsRun } from './rsyslog-es-run';
import { cpuSecondsOf } from './proc-usage';
import { median } from './median';
import { shebangNodeFlags } from '../src/cli/node-flags';
import { createClient } from '../sinks/elasticsearch/client';
import { setupTarget } from '../sinks/elasticsearch/template';
import { VIGIL_VERSION } from '../src/core/version';
import type { ElasticsearchConfig } from '../src/runtime/config/types';

type Side = 'vigil' | 'bare loop' | 'rsyslog';

const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

/** Elasticsearch's CPU seconds so far: from /proc when its process is on this machine, else from `_nodes/stats`. */
async function esCpuReader(url: string): Promise<{ read: () => Promise<number>; from: string }> {
  const r = await esJson<{ nodes: Record<string, { process: { id: number } }> }>(url, 'GET', '/_nodes/_local/process?filter_path=nodes.*.process.id');
  const pid = Object.values(r.nodes)[0]?.process.id;
  if (pid && existsSync(`/proc/${pid}/stat`)) return { read: async () => cpuSecondsOf(pid), from: `/proc/${pid}` };
  return { read: async () => (await esCpuMs(url)) / 1000, from: '_nodes/stats' };
}

async function esCount(url: string, target: string): Promise<number> {
  await esJson(url, 'POST', `/${target}/_refresh`);
  return (await esJson<{ count: number }>(url, 'GET', `/${target}/_count`)).count;
}

function pipelineRun(mode: 'vigil' | 'baseline', file: string, lines: number, url: string, target: string): PeerRun {
  const flags = mode === 'vigil' ? shebangNodeFlags(CLI) : [];
  const out = execFileSync(process.execPath, [...flags, join(__dirname, 'es-pipeline.js'), mode, file, String(lines), url, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as PeerRun;
}

async function rsyslogSide(bin: string, docs: string, lines: number, url: string, target: string): Promise<PeerRun> {
  // the target set up as es-pipeline.js sets up the others' (Vigil's template), before the clock
  const client = createClient({ hosts: [url], request_timeout_ms: 60_000 } as ElasticsearchConfig);
  await setupTarget(client, { dataStream: target, vigilVersion: VIGIL_VERSION });
  await client.close();
  const run = await rsyslogEsRun(bin, docs, lines, url, target, join(tmpdir(), `vigil-bench-rsyslog-es-${process.pid}`));
  const indexed = await esCount(url, target);
  if (indexed !== lines) throw new Error(`rsyslog: Elasticsearch holds ${indexed} documents, expected ${lines}`);
  return run;
}

export async function esVsRsyslogBench(out: (s: string) => void, dir: string): Promise<void> {
  const lines = Number(process.env.VIGIL_BENCH_ES_LINES ?? 300_000);
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_ES_ROUNDS ?? 3));
  const file = join(dir, `es-${lines}.ndjson`);
  await generateNdjsonLines(file, lines);
  const es = benchElasticsearch(dir, out);
  try {
    const bin = rsyslogd([{ name: 'omelasticsearch', pkg: 'rsyslog-elasticsearch' }]);
    const sides: Side[] = 'missing' in bin ? ['vigil', 'bare loop'] : ['vigil', 'bare loop', 'rsyslog'];
    const docs = join(dir, `es-${lines}.docs.ndjson`);
    if (!('missing' in bin)) execFileSync(process.execPath, [join(__dirname, 'es-pipeline.js'), 'documents', file, docs], { stdio: 'inherit' });
    const esCpu = await esCpuReader(es.url);
    out(`\n## NDJSON file → Elasticsearch ${es.url}, the same documents: Vigil beside the bare \`_bulk\` loop and rsyslog (${lines.toLocaleString('en-US')} lines; Elasticsearch CPU from ${esCpu.from})\n`);
    if ('missing' in bin) out(`rsyslog left out: ${bin.missing}\n`);
    const stamp = Date.now().toString(36);
    const runs: Record<Side, Array<PeerRun & { es_cpu_seconds: number }>> = { vigil: [], 'bare loop': [], rsyslog: [] };
    const ratios = { loop: [] as number[], rsyslog: [] as number[] };
    const targets: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const order = sides.map((_, k) => sides[(k + i) % sides.length]);
      const r: Partial<Record<Side, PeerRun>> = {};
      for (const side of order) {
        const target = `logs-bench-${side.replace(' ', '-')}-${stamp}-${i}`;
        targets.push(target);
        const load = loadavg()[0];
        const e0 = await esCpu.read();
        const x = side === 'rsyslog' ? await rsyslogSide((bin as { path: string }).path, docs, lines, es.url, target)
          : pipelineRun(side === 'vigil' ? 'vigil' : 'baseline', file, lines, es.url, target);
        const esSeconds = (await esCpu.read()) - e0;
        r[side] = x;
        runs[side].push({ ...x, es_cpu_seconds: esSeconds });
        out(`${side.padEnd(9)} ${x.seconds.toFixed(2).padStart(6)} s ${Math.round(lines / x.seconds).toLocaleString('en-US').padStart(8)} docs/s  cpu ${x.cpu_seconds.toFixed(2)} s  Elasticsearch cpu ${esSeconds.toFixed(2)} s  peak RSS ${x.peak_rss_mb.toFixed(0)} MB  load ${load.toFixed(2)}\n`);
      }
      ratios.loop.push(r['bare loop']!.seconds / r.vigil!.seconds);
      if (r.rsyslog) ratios.rsyslog.push(r.rsyslog.seconds / r.vigil!.seconds);
    }
    const x = (v: number) => `${v.toFixed(2)}x`;
    out(`vigil/bare loop throughput per round: ${ratios.loop.map(x).join(', ')}; median ${x(median(ratios.loop))} (target >= 0.95x)\n`);
    if (ratios.rsyslog.length) out(`vigil/rsyslog throughput per round: ${ratios.rsyslog.map(x).join(', ')}; median ${x(median(ratios.rsyslog))}\n`);
    const med = (s: Side, f: (r: PeerRun & { es_cpu_seconds: number }) => number) => median(runs[s].map(f));
    out(`medians: ${sides.map((s) => `${s} cpu ${med(s, (q) => q.cpu_seconds).toFixed(2)} s, Elasticsearch cpu ${med(s, (q) => q.es_cpu_seconds).toFixed(2)} s, peak RSS ${med(s, (q) => q.peak_rss_mb).toFixed(0)} MB`).join('; ')}; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    // data streams cannot be deleted on the test distribution (no data-streams module): tried, not required
    for (const t of targets) await esJson(es.url, 'DELETE', `/_data_stream/${t}`).catch(() => undefined);
  } finally {
    es.stop();
  }
}
