import type { Client } from '@elastic/elasticsearch';
import type { errors } from '@elastic/elasticsearch';
import { esErrors } from '../../src/core/elasticsearch-lib';
import { scrubUserinfo } from '../../src/core/config-kit/url-userinfo';

export interface EsHealth {
  ok: boolean;
  /** one line for people: the URL and what is wrong */
  detail: string;
  version?: string;
  /** refused | unreachable | tls | auth | forbidden | not_elasticsearch | timeout | http | ok */
  reason: string;
}

/** Asks the cluster who it is, and turns any failure into a reason a person can act on. */
export async function checkHealth(client: Client, url: string): Promise<EsHealth> {
  try {
    const version = await clusterVersion(client);
    return { ok: true, reason: 'ok', version, detail: `Elasticsearch ${version} at ${url}` };
  } catch (err) {
    return { ok: false, ...describeError(err, url) };
  }
}

/** The version from `GET /`; minimal distributions without that endpoint answer it 405: ask the node then. */
async function clusterVersion(client: Client): Promise<string> {
  try {
    return (await client.info()).version.number;
  } catch (err) {
    if (!(err instanceof esErrors().ResponseError && err.statusCode === 405)) throw err;
    const nodes = await client.transport.request({ method: 'GET', path: '/_nodes/_local', querystring: { filter_path: 'nodes.*.version' } }) as { nodes?: Record<string, { version?: string }> };
    return Object.values(nodes.nodes ?? {})[0]?.version ?? 'unknown';
  }
}

/**
 * A failed request, described by cause (never echoing credentials: the client's messages may hold
 * a URL, and any user-info in it is cut).
 */
export function describeError(err: unknown, url: string): { reason: string; detail: string } {
  const d = describeCause(err, url);
  return { reason: d.reason, detail: scrubUserinfo(d.detail) };
}

function describeCause(err: unknown, url: string): { reason: string; detail: string } {
  if (err instanceof esErrors().ProductNotSupportedError) {
    return { reason: 'not_elasticsearch', detail: `${url} answers, but it is not Elasticsearch (or a version this client does not support)` };
  }
  if (err instanceof esErrors().ResponseError) {
    const status = err.statusCode ?? 0;
    if (status === 401) return { reason: 'auth', detail: `Elasticsearch at ${url} refused the credentials (401 Unauthorized): check api_key or username/password` };
    if (status === 403) return { reason: 'forbidden', detail: `Elasticsearch at ${url} denied access (403 Forbidden): the user needs the monitor and index privileges` };
    return { reason: 'http', detail: `Elasticsearch at ${url} answered ${status}: ${shortReason(err)}` };
  }
  if (err instanceof esErrors().TimeoutError) return { reason: 'timeout', detail: `Elasticsearch at ${url} did not answer in time` };
  const msg = err instanceof Error ? err.message : String(err);
  if (/ECONNREFUSED/.test(msg)) return { reason: 'refused', detail: `cannot connect to Elasticsearch at ${url}: connection refused (is it running, and is this the right port?)` };
  if (/ENOTFOUND|EAI_AGAIN/.test(msg)) return { reason: 'unreachable', detail: `cannot connect to Elasticsearch at ${url}: the host name does not resolve` };
  if (/certificate|self[- ]signed|CERT_|SSL|TLS|EPROTO|wrong version number/i.test(msg)) {
    return { reason: 'tls', detail: `TLS problem talking to Elasticsearch at ${url}: ${msg} (check the URL scheme, ca or ca_fingerprint)` };
  }
  if (/ECONNRESET|EPIPE|socket hang up|EHOSTUNREACH|ENETUNREACH/.test(msg)) return { reason: 'unreachable', detail: `connection to Elasticsearch at ${url} failed: ${msg}` };
  return { reason: 'error', detail: `Elasticsearch at ${url}: ${msg}` };
}

function shortReason(err: InstanceType<typeof errors.ResponseError>): string {
  const body = err.body as { error?: { type?: string; reason?: string } | string } | undefined;
  if (body && typeof body.error === 'object') return `${body.error.type ?? ''}: ${body.error.reason ?? ''}`.slice(0, 300);
  if (body && typeof body.error === 'string') return body.error.slice(0, 300);
  return err.message.slice(0, 300);
}
