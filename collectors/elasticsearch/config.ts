/**
 * The `elasticsearch` input's options (vigil.yaml `inputs: - type: elasticsearch`: events read back
 * from an Elasticsearch cluster by a fleet runner): the resolved shape with its defaults, its JSON
 * Schema, and its validation. The connection options are the sink's (url with user-info, api_key or
 * username/password, ca or ca_fingerprint, request_timeout).
 */
import {
  displayPath, duration, isHttpUrl, nonEmptyStr, posInt, resolvePath, splitUserinfo, str,
  type ConfigContext, type Obj, type YamlPath,
} from '../../src/core/config-kit';
import { formatDuration } from '../../src/core/units';

/** An elasticsearch input as resolved (meanings and defaults: the schema). */
export interface EsInputConfig {
  type: 'elasticsearch';
  id: string;
  url: string;
  api_key?: string;
  username?: string;
  password?: string;
  ca?: string;
  ca_fingerprint?: string;
  request_timeout_ms: number;
  index: string;
  filter?: string;
  poll_interval_ms: number;
  batch_size: number;
  start_at: 'end' | 'beginning';
  refresh: boolean;
}

export const ES_INPUT_DEFAULTS = { poll_interval_ms: 1000, batch_size: 1000, request_timeout_ms: 30_000, start_at: 'end', refresh: true } as const;

const d = ES_INPUT_DEFAULTS;

export const esInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'url', 'index'],
  description: 'events read back from Elasticsearch (a fleet runner): only what the loaded rules can match, each once',
  properties: {
    type: { const: 'elasticsearch', description: 'selects this input' },
    id: { ...nonEmptyStr, description: 'unique input id; the per-shard checkpoints are kept under it (default elasticsearch-1, ...)' },
    url: { ...nonEmptyStr, description: 'the cluster\'s http(s) URL; `user:password@` in it become username and password' },
    api_key: { ...nonEmptyStr, description: 'API key, in its encoded form; not with username/password' },
    username: { ...nonEmptyStr, description: 'basic authentication user, with password' },
    password: { ...str, description: 'basic authentication password, with username' },
    ca: { ...nonEmptyStr, description: 'CA certificate file (PEM) for https' },
    ca_fingerprint: { ...nonEmptyStr, description: 'or the SHA-256 fingerprint of the CA: 64 hex digits, colons allowed' },
    request_timeout: { ...duration, default: formatDuration(d.request_timeout_ms), description: 'a request unanswered for this long fails, and the poll is tried again' },
    index: { ...nonEmptyStr, description: 'the indices read: a name, a pattern (`logs-*`) or several, comma-separated; indices created later are read from their first document' },
    filter: { ...str, description: 'KQL every event read must match as well (on top of the rules\' own queries)' },
    poll_interval: { ...duration, default: formatDuration(d.poll_interval_ms), description: 'how often the shards are asked for new documents' },
    batch_size: { ...posInt, default: d.batch_size, description: 'documents per search request (one page of a shard), at most' },
    start_at: { enum: ['end', 'beginning'], default: d.start_at, description: 'where the indices present at the first start are read from: their current end, or their first document' },
    refresh: { type: 'boolean', default: d.refresh, description: 'refresh the indices after reading their checkpoints, so that every document up to them is searchable (false: wait one refresh interval instead)' },
  },
} as const;

/** Validates `inputs[i]` (already checked against the schema) and fills in the defaults. */
export function buildEsInput(ctx: ConfigContext, o: Obj, i: number, id: string): EsInputConfig {
  const { src, baseDir, read } = ctx;
  const p = (k: string): YamlPath => ['inputs', i, k];
  const raw = typeof o.url === 'string' ? o.url : '';
  const split = splitUserinfo(raw);
  if (split.username !== undefined) {
    src.secretValues.add(raw);
    if (split.password) src.secretValues.add(split.password);
  }
  if (!isHttpUrl(split.url)) src.problemAtPath(p('url'), `${displayPath(p('url'))} is not an http(s) URL`, { value: true });
  if (o.api_key !== undefined && (o.username !== undefined || o.password !== undefined || split.username !== undefined)) {
    src.problemAtPath(p('api_key'), `inputs[${i}]: use either api_key or a user name and password, not both`, { key: true });
  }
  if ((o.username === undefined) !== (o.password === undefined)) {
    src.problemAtPath(p(o.username === undefined ? 'password' : 'username'), `inputs[${i}]: username and password go together`, { key: true });
  }
  if (o.username !== undefined && split.username !== undefined) {
    src.problemAtPath(p('url'), `${displayPath(p('url'))} carries a user name and password and inputs[${i}].username is set too: give the credentials once`, { value: true });
  }
  if (typeof o.ca_fingerprint === 'string' && !/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/.test(o.ca_fingerprint)) {
    src.problemAtPath(p('ca_fingerprint'), `inputs[${i}].ca_fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)`, { value: true });
  }
  const index = typeof o.index === 'string' ? o.index : '';
  if (/[\s"\\/<>|#?]/.test(index) || index.split(',').some((part) => part.trim() === '')) {
    src.problemAtPath(p('index'), `inputs[${i}].index ${JSON.stringify(index)} is not an index name or pattern (comma-separated; no spaces or " \\ / < > | # ?)`, { value: true });
  }
  const cfg: EsInputConfig = {
    type: 'elasticsearch',
    id,
    url: split.url.replace(/\/+$/, ''),
    request_timeout_ms: read.dur(p('request_timeout'), o.request_timeout, d.request_timeout_ms),
    index,
    poll_interval_ms: read.dur(p('poll_interval'), o.poll_interval, d.poll_interval_ms),
    batch_size: read.int(o.batch_size, d.batch_size),
    start_at: o.start_at === 'beginning' ? 'beginning' : d.start_at,
    refresh: typeof o.refresh === 'boolean' ? o.refresh : d.refresh,
  };
  if (typeof o.api_key === 'string') cfg.api_key = o.api_key;
  if (typeof o.username === 'string') { cfg.username = o.username; cfg.password = typeof o.password === 'string' ? o.password : ''; }
  else if (split.username !== undefined && o.api_key === undefined) { cfg.username = split.username; cfg.password = split.password ?? ''; }
  if (typeof o.ca === 'string' && o.ca) cfg.ca = resolvePath(baseDir, o.ca);
  if (typeof o.ca_fingerprint === 'string') cfg.ca_fingerprint = o.ca_fingerprint.replace(/:/g, '').toUpperCase();
  if (typeof o.filter === 'string' && o.filter.trim() !== '') {
    cfg.filter = o.filter;
    const bad = ctx.validateKql?.(o.filter);
    if (bad) src.problemAtPath(p('filter'), `inputs[${i}].filter is not valid KQL: ${bad.message} (at character ${bad.offset + 1})`, { value: true });
  }
  return cfg;
}
