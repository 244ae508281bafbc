/**
 * Alert latency: a line written to a log file → its alert's webhook received, the daemon run as users run
 * it (`vigil run`, the embedded default's file input, event store and outbox folders, the repo's rules.yaml
 * plus one pattern rule whose webhook points at a real HTTP receiver on 127.0.0.1), once with the file
 * input's `watch: true` (the default) and once with `watch: false` (the poll alone), in the same run.
 * Samples are written at random gaps so they do not fall in step with the poll. VIGIL_BENCH_LATENCY_SAMPLES
 * sets the samples per side (default 40).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { shebangNodeFlags } from '../src/cli/node-flags';

const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');
const REPO_RULES = join(__dirname, '..', '..', 'rules.yaml');
const WARMUP = 3;

type Print = (text: string) => void;

/** The receiver: the time each sample's webhook arrived (performance.now(), the writer's clock). */
function receiver(): Promise<{ port: number; arrived: Map<number, number>; close: () => void }> {
  const arrived = new Map<number, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert?: { group?: Record<string, unknown> } };
        const sample = Number(body.alert?.group?.['labels.sample']);
        if (Number.isInteger(sample) && !arrived.has(sample)) arrived.set(sample, at);
      } catch { /* not a sample's */ }
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as { port: number }).port, arrived, close: () => { server.closeAllConnections(); server.close(); },
  })));
}

/** The repo's rules.yaml, with the bench's webhook notifier and its pattern rule (one alert per sample). */
function rulesText(port: number): string {
  const doc = YAML.parse(readFileSync(REPO_RULES, 'utf8')) as { notifiers?: Record<string, unknown>; rules: unknown[] };
  doc.notifiers = { ...doc.notifiers, 'bench-hook': { type: 'webhook', url: `http://127.0.0.1:${port}/alert` } };
  doc.rules.push({
    id: 'bench-latency', type: 'pattern', where: 'labels.bench: "latency"', group_by: ['labels.sample'],
    realert: '1s', notify: ['bench-hook'], severity: 'high',
  });
  return YAML.stringify(doc);
}

function configText(dir: string, watch: boolean): string {
  return [
    `state_dir: ${JSON.stringify(join(dir, 'data', 'state'))}`,
    `rules: ${JSON.stringify(join(dir, 'rules.yaml'))}`,
    'inputs:',
    '  - type: file',
    `    paths: ["logs/**/*.json", "logs/**/*.ndjson"]`,
    `    watch: ${watch}`,
    `event_store: { dir: ${JSON.stringify(join(dir, 'data', 'events'))} }`,
    `outbox_dir: ${JSON.stringify(join(dir, 'data', 'outbox'))}`,
    'control: { listen: "127.0.0.1:0" }',
    'logging: { level: warn }',
    '',
  ].join('\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One side: a daemon with `watch`, WARMUP + n samples; returns the latencies in ms (warm-up left out). */
async function side(watch: boolean, n: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-latency-'));
  const recv = await receiver();
  let daemon: ChildProcess | null = null;
  try {
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'rules.yaml'), rulesText(recv.port));
    writeFileSync(join(dir, 'vigil.yaml'), configText(dir, watch));
    const log = join(dir, 'logs', 'app.json');
    writeFileSync(log, `${JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'bench start' })}\n`);
    daemon = spawn(process.execPath, [...shebangNodeFlags(CLI), CLI, 'run', '--config', join(dir, 'vigil.yaml')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    const written = new Map<number, number>();
    for (let i = 0; i < WARMUP + n; i++) {
      await sleep(150 + Math.random() * 250);
      const line = JSON.stringify({ '@timestamp': new Date().toISOString(), message: `latency sample ${i}`, 'log.level': 'error', labels: { bench: 'latency', sample: i } });
      written.set(i, performance.now());
      appendFileSync(log, `${line}\n`);
      if (i < WARMUP) {
        // the daemon is up once the warm-up alerts come (the first one waits for its start)
        const t0 = Date.now();
        while (!recv.arrived.has(i)) {
          if (Date.now() - t0 > 60_000) throw new Error(`no webhook for warm-up sample ${i} after 60 s (watch: ${watch})`);
          await sleep(10);
        }
      }
    }
    const t0 = Date.now();
    while ([...written.keys()].some((i) => !recv.arrived.has(i)) && Date.now() - t0 < 30_000) await sleep(10);
    const out: number[] = [];
    for (let i = WARMUP; i < WARMUP + n; i++) {
      const at = recv.arrived.get(i);
      if (at === undefined) throw new Error(`sample ${i} never reached the webhook (watch: ${watch})`);
      out.push(at - written.get(i)!);
    }
    return out;
  } finally {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon!.once('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
    recv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function alertLatencyBench(print: Print): Promise<void> {
  const n = Math.max(30, Number(process.env.VIGIL_BENCH_LATENCY_SAMPLES ?? 40));
  print(`\n## alert latency: line written → webhook received (vigil run, embedded-default-like config + repo rules.yaml, ${n} samples a side)\n`);
  for (const watch of [true, false]) {
    const ms = (await side(watch, n)).sort((a, b) => a - b);
    const mean = ms.reduce((s, v) => s + v, 0) / ms.length;
    print(`watch: ${String(watch).padEnd(5)}  p50 ${percentile(ms, 0.5).toFixed(1).padStart(6)} ms  p99 ${percentile(ms, 0.99).toFixed(1).padStart(6)} ms  mean ${mean.toFixed(1).padStart(6)} ms  min ${ms[0].toFixed(1)} ms  max ${ms[ms.length - 1].toFixed(1)} ms${watch ? '  (target p99 < 50 ms)' : '  (the poll alone: poll_interval 250ms)'}\n`);
  }
}

if (require.main === module) {
  alertLatencyBench((t) => process.stdout.write(t)).catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(1); });
}
