/**
 * Fleet runner read throughput: a `vigil run` with the Elasticsearch input (start_at: beginning, poll 1 s,
 * no `fleet:` section: leases cost per round, not per event) and 100 rules (threshold, cardinality and
 * spike in turn, each on one event code, none firing) reads an index of agent-like documents bulk-loaded
 * up front (VIGIL_BENCH_FLEET_DOCS, default 1,000,000; 1% carry a rule's code). The runner talks to
 * Elasticsearch through a counting proxy. Measured per round (VIGIL_BENCH_FLEET_ROUNDS, default 3, a
 * fresh runner each): the time until its event store holds every matching event, events evaluated per
 * second, documents covered per second, the runner's CPU, Elasticsearch's CPU (`_nodes/stats` process
 * cpu before and after, less its idle rate measured just before) per event and per document, requests and
 * the search answers' bytes per event (`_source` filtering); then 10 s of steady state with 20
 * documents/s arriving in a second index: requests per second of one runner polling every second.
 * Writes the figures to <cache>/fleet-read.json for the scaling model (fleet-scale-model.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { eventMappings } from '../src/core/ecs-fields';
import { benchElasticsearch, esCpuMs, esJson } from './bench-es';
import { CountingProxy, type ProxyCounts } from './counting-proxy';
import { cloneReadIndex, loadReadIndex, readDoc, RULE_CODES } from './fleet-read-docs';
import { BenchDaemon, runnerYaml } from './fleet-processes';
import { median } from './median';

type Print = (text: string) => void;
const SHARE = 0.01;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FleetReadFigures {
  docs: number; matching: number; meanDocBytes: number;
  eventsPerS: number[]; docsPerS: number[]; runnerCpuUsPerEvent: number[];
  esCpuUsPerEvent: number[]; esCpuUsPerDoc: number[]; searchBytesPerEvent: number[]; requestsPerKEvents: number[];
  steadyRequestsPerS: number; steadyByKind: Record<string, number>;
  /** the same matching events' search answers with the whole `_source` (the input's request otherwise) */
  wholeSourceBytesPerEvent: number;
}

/** Bytes per event of the answers to the input's page requests over the matching events, with the whole `_source`. */
async function wholeSourceBytes(url: string, index: string, matching: number): Promise<number> {
  let bytes = 0;
  let after = -1;
  for (;;) {
    const res = await fetch(`${url}/${index}/_search?preference=_shards:0`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        size: 1000, seq_no_primary_term: true, track_total_hits: false, sort: [{ _seq_no: 'asc' }], _source: true,
        query: { bool: { filter: [{ range: { _seq_no: { gt: after } } }, { terms: { 'event.code': Array.from({ length: RULE_CODES }, (_, r) => String(4000 + r)) } }] } },
      }),
    });
    const text = await res.text();
    bytes += Buffer.byteLength(text);
    const hits = (JSON.parse(text) as { hits: { hits: Array<{ _seq_no: number }> } }).hits.hits;
    if (hits.length === 0) break;
    after = hits[hits.length - 1]._seq_no;
  }
  return bytes / matching;
}

function rulesText(): string {
  const rules = Array.from({ length: RULE_CODES }, (_, r) => {
    const base = { id: `read-${r}`, where: `event.code: "${4000 + r}"` };
    if (r % 3 === 0) return { ...base, type: 'threshold', group_by: ['host.name'], threshold: 1_000_000_000, window: '5m' };
    if (r % 3 === 1) return { ...base, type: 'cardinality', group_by: ['source.ip'], field: 'user.name', max: 1_000_000_000, window: '5m' };
    return { ...base, type: 'spike', group_by: ['host.name'], window: '1m', baseline: '5m', ratio: 1000, min_count: 1_000_000_000 };
  });
  return YAML.stringify({ rules });
}

/** Lines in the runner's event store: the events it has evaluated. */
function stored(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    const b = readFileSync(join(dir, f));
    for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  }
  return n;
}

function diff(a: ProxyCounts, b: ProxyCounts): ProxyCounts {
  const r = { ...b.requests };
  for (const k of Object.keys(r) as Array<keyof typeof r>) r[k] -= a.requests[k];
  return { requests: r, searchBytes: b.searchBytes - a.searchBytes };
}

const spread = (v: number[], d = 0) => `${median(v).toFixed(d)} (${Math.min(...v).toFixed(d)}–${Math.max(...v).toFixed(d)})`;

export async function fleetThroughputBench(print: Print, cacheDir: string, esUrl: string): Promise<FleetReadFigures> {
  const total = Number(process.env.VIGIL_BENCH_FLEET_DOCS ?? 1_000_000);
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_FLEET_ROUNDS ?? 3));
  const es = { url: esUrl };
  const proxy = new CountingProxy(es.url);
  const proxyUrl = await proxy.start();
  const trickle = `vigil-bench-fleet-trickle-${Date.now().toString(36)}`;
  const fig: FleetReadFigures = {
    docs: total, matching: 0, meanDocBytes: 0, eventsPerS: [], docsPerS: [], runnerCpuUsPerEvent: [], esCpuUsPerEvent: [], esCpuUsPerDoc: [],
    searchBytesPerEvent: [], requestsPerKEvents: [], steadyRequestsPerS: 0, steadyByKind: {}, wholeSourceBytesPerEvent: 0,
  };
  try {
    print(`\n## fleet runner read throughput: 100 rules, ${SHARE * 100}% of the documents match one (Elasticsearch ${es.url})\n`);
    const loaded = await loadReadIndex(es.url, total, SHARE, print);
    fig.matching = loaded.matching;
    fig.meanDocBytes = loaded.meanDocBytes;
    print(`${loaded.index}: ${total.toLocaleString('en-US')} documents (${loaded.matching.toLocaleString('en-US')} matching), mean _source ${loaded.meanDocBytes.toFixed(0)} bytes` +
      `${loaded.reused ? ', loaded by an earlier run' : `, bulk-loaded in ${loaded.loadSeconds.toFixed(1)} s`}\n`);
    await esJson(es.url, 'PUT', `/${trickle}`, { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: eventMappings });
    for (let round = 0; round < rounds; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-fleet-read-'));
      const clonePrefix = `vigil-bench-fleet-read-run-${Date.now().toString(36)}`;
      const p0Stats = proxy.counts.requests.stats;
      const runner = new BenchDaemon('runner', dir, runnerYaml(dir, proxyUrl, `${clonePrefix}-*,${trickle}`, null, rulesText(), ['poll_interval: 1s']));
      try {
        // the runner starts on a pattern that names nothing yet; once it polls, a clone of the loaded index
        // appears under it and is read from its first document: the clock runs from the first search on it
        runner.start();
        for (const t = Date.now(); proxy.counts.requests.stats < p0Stats + 2; await sleep(50)) {
          if (Date.now() - t > 60_000) throw new Error('the runner made no poll in 60 s');
        }
        // Elasticsearch's idle CPU rate over 3 s (other work on a shared cluster), taken off its CPU below
        const idle0 = await esCpuMs(es.url);
        await sleep(3000);
        const idleRate = (await esCpuMs(es.url) - idle0) / 3000;
        await cloneReadIndex(es.url, loaded.index, `${clonePrefix}-${round}`);
        const cpu0 = await esCpuMs(es.url);
        const runnerCpu0 = runner.cpuSeconds();
        const p0 = proxy.snapshot();
        const tc = performance.now();
        let n = 0;
        for (;;) {
          n = stored(join(dir, 'events'));
          if (n >= loaded.matching) break;
          if (performance.now() - tc > 600_000) throw new Error(`only ${n} of ${loaded.matching} events evaluated after 600 s`);
          await sleep(20);
        }
        const t0 = proxy.searchTimes.find((t) => t >= tc)!;
        const t1 = performance.now();
        const cpu1 = await esCpuMs(es.url);
        const p1 = diff(p0, proxy.snapshot());
        const runnerCpu = runner.cpuSeconds() - runnerCpu0;
        const seconds = (t1 - t0) / 1000;
        const esCpu = Math.max(0, cpu1 - cpu0 - idleRate * (t1 - tc));
        fig.eventsPerS.push(loaded.matching / seconds);
        fig.docsPerS.push(total / seconds);
        fig.runnerCpuUsPerEvent.push((runnerCpu * 1e6) / loaded.matching);
        fig.esCpuUsPerEvent.push((esCpu * 1000) / loaded.matching);
        fig.esCpuUsPerDoc.push((esCpu * 1000) / total);
        fig.searchBytesPerEvent.push(p1.searchBytes / loaded.matching);
        fig.requestsPerKEvents.push((Object.values(p1.requests).reduce((s, v) => s + v, 0) * 1000) / loaded.matching);
        print(`round ${round + 1}: ${loaded.matching.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s from the first search on the new index: ` +
          `${Math.round(fig.eventsPerS[round]).toLocaleString('en-US')} events/s, ${Math.round(fig.docsPerS[round]).toLocaleString('en-US')} documents covered/s; ` +
          `runner CPU ${runnerCpu.toFixed(2)} s; Elasticsearch CPU ${(esCpu / 1000).toFixed(2)} s (idle rate ${(idleRate * 100).toFixed(1)}% taken off); ` +
          `requests ${JSON.stringify(p1.requests)}, search answers ${(p1.searchBytes / 1e6).toFixed(1)} MB\n`);
        if (round === rounds - 1) {
          // steady state: 20 documents a second arrive (1% matching); what one runner polling every second asks
          const s0 = proxy.snapshot();
          const ts = performance.now();
          for (let k = 0; k < 10; k++) {
            const lines: string[] = [];
            for (let i = 0; i < 20; i++) lines.push('{"index":{}}', JSON.stringify(readDoc(k * 20 + i, 200, Date.now(), 1000, SHARE)));
            await esJson(es.url, 'POST', `/${trickle}/_bulk`, `${lines.join('\n')}\n`, true);
            await sleep(1000);
          }
          const s = diff(s0, proxy.snapshot());
          const secs = (performance.now() - ts) / 1000;
          fig.steadyRequestsPerS = Object.values(s.requests).reduce((a, v) => a + v, 0) / secs;
          fig.steadyByKind = Object.fromEntries(Object.entries(s.requests).map(([k, v]) => [k, v / secs]));
          print(`steady state (20 documents/s arriving, poll 1 s): ${fig.steadyRequestsPerS.toFixed(2)} requests/s (${Object.entries(fig.steadyByKind).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')})\n`);
        }
      } catch (err) {
        print(`--- runner\n${runner.output()}\n`);
        throw err;
      } finally {
        await runner.stop();
        await esJson(es.url, 'DELETE', `/${clonePrefix}-${round}`).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    fig.wholeSourceBytesPerEvent = await wholeSourceBytes(es.url, loaded.index, loaded.matching);
    print(`median (min–max) of ${rounds}: ${spread(fig.eventsPerS)} events evaluated/s, ${spread(fig.docsPerS)} documents covered/s; runner CPU ${spread(fig.runnerCpuUsPerEvent, 1)} µs/event; ` +
      `Elasticsearch CPU ${spread(fig.esCpuUsPerEvent, 1)} µs per event fetched, ${spread(fig.esCpuUsPerDoc, 2)} µs per document covered; ` +
      `search answers ${spread(fig.searchBytesPerEvent)} bytes per event (${fig.wholeSourceBytesPerEvent.toFixed(0)} with the whole _source, of ${loaded.meanDocBytes.toFixed(0)} bytes); ${spread(fig.requestsPerKEvents, 1)} requests per 1000 events\n`);
    writeFileSync(join(cacheDir, 'fleet-read.json'), `${JSON.stringify(fig, null, 1)}\n`);
    return fig;
  } finally {
    proxy.stop();
    await esJson(es.url, 'DELETE', `/${trickle}`).catch(() => undefined);
  }
}

if (require.main === module) {
  const cache = join(tmpdir(), 'vigil-bench');
  const es = benchElasticsearch(cache, (t) => process.stdout.write(t));
  fleetThroughputBench((t) => process.stdout.write(t), cache, es.url).finally(es.stop).catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(1); });
}
