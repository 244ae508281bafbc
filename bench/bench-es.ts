/**
 * The Elasticsearch the fleet benchmarks run against: VIGIL_BENCH_ES_URL, else VIGIL_TEST_ES_URL, else one
 * started with scripts/elasticsearch.sh (state in the bench folder) and stopped by `stop`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface BenchEs { url: string; stop: () => void }

export function benchElasticsearch(dir: string, print: (t: string) => void): BenchEs {
  const given = process.env.VIGIL_BENCH_ES_URL ?? process.env.VIGIL_TEST_ES_URL;
  if (given) return { url: given.replace(/\/$/, ''), stop: () => undefined };
  const script = join(__dirname, '..', '..', 'scripts', 'elasticsearch.sh');
  const env = { ...process.env, VIGIL_ES_STATE: join(dir, 'es.state') };
  print('starting Elasticsearch (scripts/elasticsearch.sh)...\n');
  const url = execFileSync('bash', [script, 'start'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
  return { url, stop: () => { execFileSync('bash', [script, 'stop'], { env, stdio: 'ignore' }); } };
}

/** A JSON request to Elasticsearch (plain fetch); throws with the answer on a status >= 400. */
export async function esJson<T = any>(url: string, method: string, path: string, body?: unknown, ndjson = false): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    body: body === undefined ? undefined : (ndjson ? String(body) : JSON.stringify(body)),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** The version the node reports (GET / answers 405 on the test distribution). */
export async function esVersion(url: string): Promise<string> {
  const r = await esJson<{ nodes: Record<string, { version: string }> }>(url, 'GET', '/_nodes/_local?filter_path=nodes.*.version');
  return Object.values(r.nodes)[0].version;
}

/** Total CPU milliseconds of the Elasticsearch node processes (`_nodes/stats/process`). */
export async function esCpuMs(url: string): Promise<number> {
  const r = await esJson<{ nodes: Record<string, { process: { cpu: { total_in_millis: number } } }> }>(url, 'GET', '/_nodes/stats/process?filter_path=nodes.*.process.cpu.total_in_millis');
  return Object.values(r.nodes).reduce((s, n) => s + n.process.cpu.total_in_millis, 0);
}
