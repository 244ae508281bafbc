/**
 * Fleet alert latency: a line written on an agent (`vigil run`, file input → the Elasticsearch output)
 * → its alert's webhook received from a fleet runner (`vigil run`, the Elasticsearch input, a `fleet:`
 * section, webhook notifier to a real HTTP receiver on 127.0.0.1), for a pattern, a threshold and a spike
 * rule; next to ElastAlert2 2.31 (`run_every: 10s`, the same three rules, the same receiver on another
 * path, answering 200) reading the same data stream at the same time: both see the very same lines.
 * Each sample has its own group (`labels.sample`), so each gives one alert per rule. A sample writes
 * one pattern line, three threshold lines (threshold 3) and five spike lines (min_count 5 over a group
 * seeded one window + baseline earlier with one event, so that its baseline is known and empty);
 * samples are written at random gaps of 0.5–1.5 s. VIGIL_BENCH_FLEET_SAMPLES sets the samples (default
 * 30, after 3 warm-up ones); VIGIL_BENCH_ELASTALERT=0 skips ElastAlert2.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { benchElasticsearch, esJson, esVersion } from './bench-es';
import { ElastAlert2, installElastAlert2, type ElastRule } from './elastalert2';
import { agentYaml, BenchDaemon, runnerYaml } from './fleet-processes';

type Print = (text: string) => void;
const KINDS = ['pattern', 'threshold', 'spike'] as const;
type Kind = typeof KINDS[number];
const LINES: Record<Kind, number> = { pattern: 1, threshold: 3, spike: 5 };
const SPIKE_WINDOW_S = 5;
const SPIKE_BASELINE_S = 10;
const WARMUP = 3;

/** Arrival times by "<side>/<kind>/<sample>" (performance.now()); every request answered 200. */
function receiver(): Promise<{ port: number; arrived: Map<string, number>; requests: Record<string, number>; close: () => void }> {
  const arrived = new Map<string, number>();
  const requests: Record<string, number> = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const side = req.url?.startsWith('/vigil') ? 'vigil' : 'elastalert2';
      requests[side] = (requests[side] ?? 0) + 1;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
        let key: string | undefined;
        if (req.url?.startsWith('/vigil')) {
          const sample = body.alert?.group?.['labels.sample'];
          if (body.alert?.state === 'firing' || body.alert?.state === undefined) key = `vigil/${String(body.alert?.rule).split('-')[1]}/${sample}`;
        } else {
          const sample = body.labels?.sample ?? body['labels.sample'];
          key = `elastalert2/${String(body.bench_rule)}/${sample}`;
        }
        if (key && !arrived.has(key)) arrived.set(key, at);
      } catch { /* not a sample's */ }
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as { port: number }).port, arrived, requests, close: () => { server.closeAllConnections(); server.close(); },
  })));
}

/**
 * The rule ids carry the run's stamp: a fleet runner taking a rule over carries on the open alerts the
 * alert history holds for that rule id, whichever fleet wrote them, so a second run with the same ids
 * would continue the first run's unresolved alerts of the same groups instead of firing (seen here).
 */
function vigilRules(hook: string, stamp: string): string {
  const base = { group_by: ['labels.sample'], notify: ['hook'], severity: 'high' };
  return YAML.stringify({
    notifiers: { hook: { type: 'webhook', url: hook, timeout: '2s' } },
    rules: [
      { id: `bench-pattern-${stamp}`, type: 'pattern', where: 'labels.kind: "pattern"', realert: '1s', ...base },
      { id: `bench-threshold-${stamp}`, type: 'threshold', where: 'labels.kind: "threshold"', threshold: 3, window: '1m', ...base },
      { id: `bench-spike-${stamp}`, type: 'spike', where: 'labels.kind: "spike"', window: `${SPIKE_WINDOW_S}s`, baseline: `${SPIKE_BASELINE_S}s`, ratio: 3, min_count: 5, ...base },
    ],
  });
}

function elastRules(): Record<string, ElastRule> {
  const q = (kind: string) => [{ term: { 'labels.kind': kind } }];
  return {
    pattern: { type: 'any', filter: q('pattern') },
    threshold: { type: 'frequency', filter: q('threshold'), num_events: 3, timeframe: { minutes: 1 }, query_key: 'labels.sample' },
    spike: {
      type: 'spike', filter: q('spike'), spike_height: 3, spike_type: 'up', threshold_cur: 5, alert_on_new_data: true,
      timeframe: { seconds: SPIKE_WINDOW_S }, query_key: 'labels.sample',
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fleetLatencyBench(print: Print, cacheDir: string, esUrl: string): Promise<void> {
  const n = Math.max(30, Number(process.env.VIGIL_BENCH_FLEET_SAMPLES ?? 30));
  const es = { url: esUrl };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fleet-latency-'));
  const recv = await receiver();
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const target = `logs-vigil.benchfleet-${stamp}`;
  const agent = new BenchDaemon('agent', join(dir, 'agent'), agentYaml(join(dir, 'agent'), 'bench-agent', es.url, target));
  const runner = new BenchDaemon('runner', join(dir, 'runner'), runnerYaml(join(dir, 'runner'), es.url, `${target}*`, `bench-${stamp}`,
    vigilRules(`http://127.0.0.1:${recv.port}/vigil`, stamp), ['poll_interval: 1s', 'start_at: beginning']));
  let ea: ElastAlert2 | null = null;
  const sides = ['vigil'];
  try {
    print(`\n## fleet alert latency: line written on an agent → webhook from the fleet runner (Elasticsearch ${es.url}, 1 s refresh, ${n} samples)\n`);
    if (process.env.VIGIL_BENCH_ELASTALERT !== '0') {
      const inst = installElastAlert2(cacheDir, print);
      if (inst.python) {
        ea = new ElastAlert2(inst.python, join(dir, 'elastalert2'), es.url, await esVersion(es.url));
        sides.push('elastalert2');
      } else {
        print(`ElastAlert2 skipped: ${inst.why}\n`);
      }
    }
    const log = join(dir, 'agent', 'logs', 'app.ndjson');
    const write = (docs: Array<Record<string, unknown>>) => appendFileSync(log, docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
    write([{ '@timestamp': new Date().toISOString(), message: `bench log ${stamp} opened` }]);
    agent.start();
    runner.start();
    // the data stream exists once the agent's first line is in: ElastAlert2 needs its index to be there
    for (let t0 = Date.now(); ; await sleep(200)) {
      try { await esJson(es.url, 'GET', `/${target}/_count`); break; } catch (err) { if (Date.now() - t0 > 60_000) throw err; }
    }
    if (ea) {
      ea.setUp(target, `elastalert_bench_${stamp}`, elastRules(), `http://127.0.0.1:${recv.port}/elastalert2`);
      ea.start();
    }
    // every spike group seeded with one event, one window + baseline before its burst
    const total = WARMUP + n;
    write(Array.from({ length: total }, (_, i) => ({ '@timestamp': new Date().toISOString(), message: `spike seed ${i}`, labels: { kind: 'spike', sample: i } })));
    const seeded = performance.now();
    const written = new Map<number, number>();
    const sample = (i: number): void => {
      const now = new Date().toISOString();
      const docs: Array<Record<string, unknown>> = [];
      for (const kind of KINDS) for (let k = 0; k < LINES[kind]; k++) docs.push({ '@timestamp': now, message: `${kind} sample ${i}.${k}`, 'log.level': 'error', labels: { kind, sample: i } });
      written.set(i, performance.now());
      write(docs);
    };
    await sleep((SPIKE_WINDOW_S + SPIKE_BASELINE_S + 1) * 1000);
    // warm-up: the runner has its leases and ElastAlert2 has run once when their first alerts come
    for (let i = 0; i < WARMUP; i++) {
      sample(i);
      const t0 = Date.now();
      while (!sides.every((s) => KINDS.every((k) => recv.arrived.has(`${s}/${k}/${i}`)))) {
        if (Date.now() - t0 > 120_000) throw new Error(`warm-up sample ${i}: no alert of ${sides.flatMap((s) => KINDS.map((k) => `${s}/${k}`)).filter((k) => !recv.arrived.has(`${k}/${i}`)).join(', ')} after 120 s`);
        await sleep(20);
      }
    }
    if (performance.now() - seeded < (SPIKE_WINDOW_S + SPIKE_BASELINE_S + 1) * 1000) throw new Error('spike seeds too recent');
    for (let i = WARMUP; i < total; i++) {
      await sleep(500 + Math.random() * 1000);
      sample(i);
    }
    const keys = sides.flatMap((s) => KINDS.flatMap((k) => Array.from({ length: n }, (_, j) => `${s}/${k}/${WARMUP + j}`)));
    const t0 = Date.now();
    while (keys.some((k) => !recv.arrived.has(k)) && Date.now() - t0 < 60_000) await sleep(50);
    for (const s of sides) {
      for (const kind of KINDS) {
        const ms: number[] = [];
        let missing = 0;
        for (let i = WARMUP; i < total; i++) {
          const at = recv.arrived.get(`${s}/${kind}/${i}`);
          if (at === undefined) missing++; else ms.push(at - written.get(i)!);
        }
        ms.sort((a, b) => a - b);
        const fig = (v: number | undefined) => (v === undefined ? '    -' : (v / 1000).toFixed(2).padStart(6));
        print(`${s.padEnd(12)} ${kind.padEnd(10)} p50 ${fig(percentile(ms, 0.5))} s  p99 ${fig(percentile(ms, 0.99))} s  min ${fig(ms[0])} s  max ${fig(ms[ms.length - 1])} s` +
          `${missing ? `  (${missing} of ${n} never came)` : ''}${s === 'vigil' ? '  (target p99 < 3 s)' : '  (run_every 10 s)'}\n`);
      }
    }
    print(`webhook requests received: ${sides.map((s) => `${s} ${recv.requests[s] ?? 0}`).join(', ')} (${WARMUP + n} samples × 3 rules each: more is a repeat)\n`);
  } catch (err) {
    print(`fleet latency failed: ${(err as Error).message}\n--- agent\n${agent.output()}\n--- runner\n${runner.output()}\n${ea ? `--- elastalert2\n${ea.output()}\n` : ''}`);
    throw err;
  } finally {
    await Promise.all([agent.stop(), runner.stop(), ea?.stop()]);
    recv.close();
    // ElastAlert2's writeback indices (the data stream stays: this distribution has no data stream API to delete it)
    if (ea) {
      const names = ['', '_status', '_silence', '_error', '_past'].map((x) => `elastalert_bench_${stamp}${x}`).join(',');
      await esJson(es.url, 'DELETE', `/${names}?ignore_unavailable=true`).catch(() => undefined);
    }
    if (process.env.VIGIL_BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const cache = join(tmpdir(), 'vigil-bench');
  const es = benchElasticsearch(cache, (t) => process.stdout.write(t));
  fleetLatencyBench((t) => process.stdout.write(t), cache, es.url).finally(es.stop).catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(1); });
}
