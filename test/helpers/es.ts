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
