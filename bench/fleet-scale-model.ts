/**
 * The fleet's costs on paper, from measured figures: agents → Elasticsearch → fleet runners, for 100 to
 * 10,000 hosts. Fed with what fleet-throughput.ts measured (<cache>/fleet-read.json: events a runner
 * evaluates per second, Elasticsearch CPU per event fetched, bytes per event of the search answers,
 * requests per second of a polling runner), it prints the table the README quotes ("Running a fleet",
 * costs and scaling). The assumptions are parameters (env):
 *   VIGIL_MODEL_EPS_PER_HOST  events per second a host ships (default 10)
 *   VIGIL_MODEL_SHARE         share of the events some fleet rule can match, fetched by the runners (default 0.01)
 *   VIGIL_MODEL_SHARD_EPS     events per second one primary shard of the pattern takes (default 5000)
 *   VIGIL_MODEL_LOAD          the share of a runner's measured rate it is given at most (default 0.25)
 * A runner's rate is its catch-up rate; only what it fetches costs it per event, and a runner polls every
 * shard of the pattern each second (stats, refresh, one search per shard with new documents, one more
 * per batch_size events) and makes its lease round (3 requests every 10 s). Runners: enough for the load, plus one so that a dead one's rules have a home.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetReadFigures } from './fleet-throughput';
import { median } from './median';

export interface ModelRow {
  hosts: number; ingestEps: number; fetchedEps: number; shards: number; runners: number;
  requestsPerS: number; esCores: number; fetchedMBps: number; wholeMBps: number;
}


export function scaleModel(fig: FleetReadFigures, hosts: number[], env: NodeJS.ProcessEnv = process.env): ModelRow[] {
  const epsPerHost = Number(env.VIGIL_MODEL_EPS_PER_HOST ?? 10);
  const share = Number(env.VIGIL_MODEL_SHARE ?? 0.01);
  const shardEps = Number(env.VIGIL_MODEL_SHARD_EPS ?? 5000);
  const load = Number(env.VIGIL_MODEL_LOAD ?? 0.25);
  const batch = 1000;
  const runnerEps = median(fig.eventsPerS);
  return hosts.map((h) => {
    const ingestEps = h * epsPerHost;
    const fetchedEps = ingestEps * share;
    const shards = Math.max(1, Math.ceil(ingestEps / shardEps));
    const runners = Math.ceil(fetchedEps / (runnerEps * load)) + 1;
    // each runner polls every shard: stats + refresh + a search per shard with new documents, and its
    // share of the pages (every runner fetches only its own rules' events); its lease round is a refresh,
    // a search and a _bulk every 10 s (lease_ms 30 s)
    const requestsPerS = runners * (2 + shards + 0.3) + fetchedEps / batch;
    const esCores = (fetchedEps * median(fig.esCpuUsPerEvent)) / 1e6;
    return {
      hosts: h, ingestEps, fetchedEps, shards, runners, requestsPerS, esCores,
      fetchedMBps: (fetchedEps * median(fig.searchBytesPerEvent)) / 1e6, wholeMBps: (ingestEps * fig.wholeSourceBytesPerEvent) / 1e6,
    };
  });
}

export function modelTable(fig: FleetReadFigures, env: NodeJS.ProcessEnv = process.env): string {
  const rows = scaleModel(fig, [100, 1000, 10_000], env);
  const n = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const out = [
    `measured: a runner evaluates ${n(median(fig.eventsPerS))} events/s; Elasticsearch CPU ${n(median(fig.esCpuUsPerEvent), 1)} µs per event fetched; ` +
      `${n(median(fig.searchBytesPerEvent))} bytes per event fetched (${n(fig.wholeSourceBytesPerEvent)} with the whole _source); a polling runner ${n(fig.steadyRequestsPerS, 1)} requests/s on one shard`,
    `assumed: ${env.VIGIL_MODEL_EPS_PER_HOST ?? 10} events/s per host, ${Number(env.VIGIL_MODEL_SHARE ?? 0.01) * 100}% fetched by fleet rules, ` +
      `${env.VIGIL_MODEL_SHARD_EPS ?? 5000} events/s per primary shard, runners loaded to ${Number(env.VIGIL_MODEL_LOAD ?? 0.25) * 100}% of the measured rate, plus one spare`,
    '',
    '| hosts | events/s into Elasticsearch | fetched by fleet rules (events/s) | primary shards | fleet runners | runners\' requests/s | Elasticsearch CPU for the reads (cores) | MB/s fetched (every event, whole, would be) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${n(r.hosts)} | ${n(r.ingestEps)} | ${n(r.fetchedEps)} | ${r.shards} | ${r.runners} | ${n(r.requestsPerS)} | ${n(r.esCores, 2)} | ${n(r.fetchedMBps, 2)} (${n(r.wholeMBps, 1)}) |`),
  ];
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  const file = process.argv[2] ?? join(tmpdir(), 'vigil-bench', 'fleet-read.json');
  let fig: FleetReadFigures;
  try { fig = JSON.parse(readFileSync(file, 'utf8')) as FleetReadFigures; } catch (err) {
    process.stderr.write(`no measured figures in ${file} (${(err as Error).message}): run node dist/bench/fleet-throughput.js (or npm run bench) first\n`);
    process.exit(1);
  }
  process.stdout.write(modelTable(fig));
}
