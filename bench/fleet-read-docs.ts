/**
 * The documents of the fleet read benchmark: agent-like events (100 hosts, ECS fields, a message) of
 * which a given share carries one of the 100 rules' event codes (4000–4099) and the rest codes no rule
 * reads (1–999); bulk-loaded once into a plain index with Vigil's event mappings, kept for the next run
 * (its name carries the count and the layout's version).
 */
import { eventMappings } from '../src/core/ecs-fields';
import { esJson } from './bench-es';

export const RULE_CODES = 100;
const LAYOUT = 1;

/** Document `i` of `total`, timestamps spread evenly over the `spanMs` before `end`; every 1/share-th one matches a rule. */
export function readDoc(i: number, total: number, end: number, spanMs: number, share: number): Record<string, unknown> {
  const every = Math.round(1 / share);
  const matches = i % every === every - 1;
  const host = `web-${String(i % 100).padStart(3, '0')}`;
  return {
    '@timestamp': new Date(end - spanMs + Math.floor((i * spanMs) / total)).toISOString(),
    host: { name: host },
    agent: { type: 'vigil', name: host },
    event: { code: String(matches ? 4000 + (Math.floor(i / every) % RULE_CODES) : 1 + (i % 999)), dataset: 'app.log' },
    log: { level: i % 17 === 0 ? 'error' : 'info' },
    source: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    user: { name: `user-${i % 5000}` },
    process: { name: 'app', pid: 1000 + (i % 50) },
    message: `request ${i} served in ${i % 997} ms for /api/items/${i % 4099} with status ${i % 23 === 0 ? 500 : 200}`,
  };
}

/** A clone of the loaded index named `target` (hard links: quick), its shards started. */
export async function cloneReadIndex(url: string, index: string, target: string): Promise<void> {
  await esJson(url, 'PUT', `/${index}/_settings`, { index: { 'blocks.write': true } });
  await esJson(url, 'POST', `/${index}/_clone/${target}?wait_for_active_shards=1`, { settings: { 'index.number_of_replicas': 0, 'index.blocks.write': null } });
  await esJson(url, 'GET', `/_cluster/health/${target}?wait_for_status=green&timeout=60s`);
}

export interface LoadedIndex { index: string; docs: number; matching: number; meanDocBytes: number; loadSeconds: number; reused: boolean }

/** The index holding `total` documents, loaded now unless a previous run left it complete. */
export async function loadReadIndex(url: string, total: number, share: number, print: (t: string) => void): Promise<LoadedIndex> {
  const index = `vigil-bench-fleet-read-${LAYOUT}-${total}-${Math.round(1 / share)}`;
  const every = Math.round(1 / share);
  const matching = Math.floor(total / every);
  const sample = Array.from({ length: 1000 }, (_, i) => JSON.stringify(readDoc(i, total, Date.now(), 600_000, share)).length);
  const meanDocBytes = sample.reduce((s, v) => s + v, 0) / sample.length;
  try {
    const c = await esJson<{ count: number }>(url, 'GET', `/${index}/_count`);
    if (c.count === total) return { index, docs: total, matching, meanDocBytes, loadSeconds: 0, reused: true };

    await esJson(url, 'DELETE', `/${index}`);
  } catch { /* not there */ }
  await esJson(url, 'PUT', `/${index}`, {
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1', 'index.mapping.total_fields.limit': 2000 },
    mappings: eventMappings,
  });
  print(`bulk-loading ${total.toLocaleString('en-US')} documents into ${index} (kept for the next run)...\n`);
  const t0 = Date.now();
  const end = Date.now();
  const batch = 5000;
  for (let from = 0; from < total; from += batch) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(total, from + batch); i++) lines.push('{"index":{}}', JSON.stringify(readDoc(i, total, end, 600_000, share)));
    const r = await esJson<{ errors: boolean; items: unknown[] }>(url, 'POST', `/${index}/_bulk`, `${lines.join('\n')}\n`, true);
    if (r.errors) throw new Error(`bulk into ${index}: ${JSON.stringify(r.items.find((x) => JSON.stringify(x).includes('error'))).slice(0, 500)}`);
  }
  await esJson(url, 'PUT', `/${index}/_settings`, { index: { refresh_interval: '1s' } });
  await esJson(url, 'POST', `/${index}/_refresh`);
  await esJson(url, 'POST', `/${index}/_flush`);
  // read-only from now on: each round reads a clone of it (`_clone` needs writes blocked)
  await esJson(url, 'PUT', `/${index}/_settings`, { index: { 'blocks.write': true } });
  return { index, docs: total, matching, meanDocBytes, loadSeconds: (Date.now() - t0) / 1000, reused: false };
}
