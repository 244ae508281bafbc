/** The test Elasticsearch (started by scripts/test.sh, or VIGIL_TEST_ES_URL), reached with plain HTTP. */
export function testEsUrl(): string {
  const u = process.env.VIGIL_TEST_ES_URL;
  if (!u) {
    throw new Error('VIGIL_TEST_ES_URL is not set: run the suite with `npm test` (scripts/test.sh starts a real Elasticsearch) or point it at a test cluster');
  }
  return u.replace(/\/+$/, '');
}

export async function es<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${testEsUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed as T };
}

export async function countDocs(target: string, query?: unknown): Promise<number> {
  await es('POST', `/${target}/_refresh`);
  const r = await es<{ count: number }>('POST', `/${target}/_count`, query ? { query } : undefined);
  return r.status === 200 ? r.body.count : -1;
}

/** Every hit of a target (scroll), with the listed source fields. */
export async function allHits(target: string, fields: string[]): Promise<Array<{ _id: string; _source: Record<string, any> }>> {
  await es('POST', `/${target}/_refresh`);
  const out: Array<{ _id: string; _source: Record<string, unknown> }> = [];
  let r = await es('POST', `/${target}/_search?scroll=2m`, { size: 10000, _source: fields, sort: ['_doc'] });
  for (;;) {
    const hits = r.body.hits.hits as Array<{ _id: string; _source: Record<string, unknown> }>;
    if (hits.length === 0) break;
    out.push(...hits);
    r = await es('POST', '/_search/scroll', { scroll: '2m', scroll_id: r.body._scroll_id });
  }
  return out;
}

export async function deleteTarget(target: string): Promise<void> {
  await es('DELETE', `/_data_stream/${target}`).catch(() => undefined);
  await es('DELETE', `/${target}`).catch(() => undefined);
  await es('DELETE', `/_index_template/vigil-${target}`).catch(() => undefined);
}

export function uniqueTarget(name: string): string {
  return `logs-vigil-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/**
 * A fresh index named `<prefix>-<unique>` with `mappings` (the settings of Vigil's template), holding
 * `docs` (ids "0", "1", …), refreshed; the bulk request must take every document.
 */
export async function createTestIndex(prefix: string, docs: Array<Record<string, unknown>>, mappings: unknown): Promise<string> {
  const index = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const created = await es('PUT', `/${index}`, {
    settings: { 'index.mapping.total_fields.limit': 2000, 'index.mapping.ignore_malformed': true, number_of_replicas: 0 },
    mappings,
  });
  if (created.status !== 200) throw new Error(`creating ${index}: ${JSON.stringify(created.body)}`);
  const lines = docs.flatMap((d, i) => [JSON.stringify({ index: { _id: String(i) } }), JSON.stringify(d)]).join('\n') + '\n';
  const res = await fetch(`${testEsUrl()}/${index}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines });
  const body = await res.json() as { errors: boolean };
  if (body.errors) throw new Error(`indexing into ${index}: ${JSON.stringify(body).slice(0, 2000)}`);
  return index;
}

/**
 * The ids ("0", "1", … as createTestIndex gave them) of `docs` that a KQL query selects locally and
 * that its translation selects in `index`, each sorted, with what only one side selected.
 */
export async function selectedBothWays(index: string, docs: Array<Record<string, unknown>>, match: (d: Record<string, unknown>) => boolean, dsl: unknown):
Promise<{ local: string[]; remote: string[]; onlyLocal: string[]; onlyRemote: string[] }> {
  const local = docs.map((d, i) => (match(d) ? String(i) : '')).filter(Boolean).sort();
  const r = await es('POST', `/${index}/_search`, { query: dsl, size: 10000, _source: false });
  if (r.status !== 200) throw new Error(`search in ${index}: ${JSON.stringify(r.body).slice(0, 1000)}`);
  const remote = (r.body.hits.hits as Array<{ _id: string }>).map((h) => h._id).sort();
  return { local, remote, onlyLocal: local.filter((id) => !remote.includes(id)), onlyRemote: remote.filter((id) => !local.includes(id)) };
}
