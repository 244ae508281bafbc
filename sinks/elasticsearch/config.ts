/**
 * The Elasticsearch sink's options (vigil.yaml `elasticsearch:`): the resolved shape with its
 * defaults, its JSON Schema, and its validation. User-info in a host URL
 * (`http://elastic:pw@es:9200`) becomes username/password: only the bare URL is kept (and shown).
 */
import {
  displayPath,
  duration,
  isHttpUrl,
  nonEmptyStr,
  posInt,
  resolvePath,
  size,
  splitUserinfo,
  str,
  type ConfigContext,
  type Obj,
  type YamlPath,
} from '../../src/core/config-kit';
import { formatByteSize, formatDuration } from '../../src/core/units';

/** The Elasticsearch sink as resolved: credentials out of the URLs, sizes in bytes, durations in ms (meanings: the schema). */
export interface ElasticsearchConfig {
  hosts: string[];
  api_key?: string;
  username?: string;
  password?: string;
  ca?: string;                // absolute path
  ca_fingerprint?: string;    // upper-case hex, no colons
  data_stream?: string;       // set unless index is
  index?: string;
  batch_size: number;
  batch_bytes: number;
  flush_interval_ms: number;
  max_inflight_requests: number;
  request_timeout_ms: number;
  spool_max_bytes: number;
  spool_segment_bytes: number;
  /** write the alert changes to the alerts data stream too (absent: false) */
  alerts_data_stream?: boolean;
}

export const ELASTICSEARCH_DEFAULTS = {
  data_stream: 'logs-vigil-default',
  batch_bytes: 5 * 1024 * 1024,
  flush_interval_ms: 1000,
  max_inflight_requests: 2,
  request_timeout_ms: 30_000,
  spool_max_bytes: 2 * 1024 * 1024 * 1024,
  spool_segment_bytes: 64 * 1024 * 1024,
} as const;

const d = ELASTICSEARCH_DEFAULTS;

export const elasticsearchSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'ship the events to Elasticsearch instead of the local event store',
  properties: {
    url: { ...nonEmptyStr, description: 'the cluster\'s http(s) URL; `user:password@` in it become username and password (either url or hosts)' },
    hosts: { type: 'array', items: nonEmptyStr, minItems: 1, description: 'several http(s) URLs of one cluster (either url or hosts)' },
    api_key: { ...nonEmptyStr, description: 'API key, in its encoded form; not with username/password' },
    username: { ...nonEmptyStr, description: 'basic authentication user, with password' },
    password: { ...str, description: 'basic authentication password, with username' },
    ca: { ...nonEmptyStr, description: 'CA certificate file (PEM) for https' },
    ca_fingerprint: { ...nonEmptyStr, description: 'or the SHA-256 fingerprint of the CA: 64 hex digits, colons allowed' },
    data_stream: { ...nonEmptyStr, default: d.data_stream, description: 'the data stream written to; not with index' },
    index: { ...nonEmptyStr, description: 'a plain index written to instead of a data stream' },
    batch_size: { ...posInt, description: 'documents per `_bulk` request, at most (default: `pipeline.batch_size`)' },
    batch_bytes: { ...size, default: formatByteSize(d.batch_bytes), description: 'bytes per `_bulk` request, at most' },
    flush_interval: { ...duration, default: formatDuration(d.flush_interval_ms), description: 'accepted but not used: the spool is shipped as soon as it holds events' },
    max_inflight_requests: { ...posInt, default: d.max_inflight_requests, description: '`_bulk` requests on their way at once, at most' },
    request_timeout: { ...duration, default: formatDuration(d.request_timeout_ms), description: 'a request unanswered for this long fails, and is tried again' },
    spool_max_bytes: { ...size, default: formatByteSize(d.spool_max_bytes), description: 'the disk spool (`state_dir/spool/elasticsearch`) at most; past it reading waits' },
    spool_segment_bytes: { ...size, default: formatByteSize(d.spool_segment_bytes), description: 'size of one spool segment file' },
    alerts_data_stream: { type: 'boolean', default: false, description: 'also write every alert change (firing, resolved) to the data stream `logs-vigil.alerts-default`, one alert history for the fleet; waiting changes are kept in `state_dir/alerts-es`' },
  },
} as const;

type Credentials = { username?: string; password?: string };

/**
 * Validates the `elasticsearch` section (already checked against the schema) and fills in the
 * defaults; `defaultBatchSize` is the pipeline's batch size.
 */
export function buildElasticsearch(ctx: ConfigContext, o: Obj, defaultBatchSize: number): ElasticsearchConfig {
  const { baseDir, read } = ctx;
  const { hosts, urlCredentials } = checkHosts(ctx, o);
  checkCredentialsAndNames(ctx, o);
  const at = (k: string): YamlPath => ['elasticsearch', k];
  const es: ElasticsearchConfig = {
    hosts: hosts.map((h) => h.replace(/\/+$/, '')),
    batch_size: read.int(o.batch_size, defaultBatchSize),
    batch_bytes: read.size(at('batch_bytes'), o.batch_bytes, d.batch_bytes),
    flush_interval_ms: read.dur(at('flush_interval'), o.flush_interval, d.flush_interval_ms),
    max_inflight_requests: read.int(o.max_inflight_requests, d.max_inflight_requests),
    request_timeout_ms: read.dur(at('request_timeout'), o.request_timeout, d.request_timeout_ms),
    spool_max_bytes: read.size(at('spool_max_bytes'), o.spool_max_bytes, d.spool_max_bytes),
    spool_segment_bytes: read.size(at('spool_segment_bytes'), o.spool_segment_bytes, d.spool_segment_bytes),
  };
  if (o.alerts_data_stream === true) es.alerts_data_stream = true;
  if (typeof o.api_key === 'string') es.api_key = o.api_key;
  if (typeof o.username === 'string') es.username = o.username;
  if (typeof o.password === 'string') es.password = o.password;
  if (urlCredentials && es.api_key === undefined && es.username === undefined) {
    es.username = urlCredentials.username;
    es.password = urlCredentials.password ?? '';
  }
  if (typeof o.ca === 'string' && o.ca) es.ca = resolvePath(baseDir, o.ca);
  if (typeof o.ca_fingerprint === 'string') es.ca_fingerprint = o.ca_fingerprint.replace(/:/g, '').toUpperCase();
  if (typeof o.index === 'string' && o.index) es.index = o.index;
  else es.data_stream = typeof o.data_stream === 'string' && o.data_stream ? o.data_stream : d.data_stream;
  return es;
}

/** `url` or `hosts`: each an http(s) URL; user-info moved out of the URLs into credentials. */
function checkHosts(ctx: ConfigContext, o: Obj): { hosts: string[]; urlCredentials?: Credentials } {
  const { src } = ctx;
  const hosts: string[] = [];
  const hostPaths: YamlPath[] = [];
  if (typeof o.url === 'string' && o.url) {
    hosts.push(o.url);
    hostPaths.push(['elasticsearch', 'url']);
  }
  if (Array.isArray(o.hosts)) {
    o.hosts.forEach((h, i) => {
      if (typeof h === 'string' && h) {
        hosts.push(h);
        hostPaths.push(['elasticsearch', 'hosts', i]);
      }
    });
  }
  if (o.url !== undefined && o.hosts !== undefined) {
    src.problemAtPath(['elasticsearch', 'hosts'], 'elasticsearch: set either "url" or "hosts", not both', { key: true });
  } else if (o.url === undefined && o.hosts === undefined) {
    src.problemAtPath(['elasticsearch'], 'elasticsearch needs "url" or "hosts"', { key: true });
  }
  const fromUrls = new Set<string>();
  let urlCredentials: Credentials | undefined;
  hosts.forEach((h, i) => {
    const p = hostPaths[i];
    const split = splitUserinfo(h);
    if (split.username !== undefined) src.secretValues.add(h);
    if (split.username !== undefined && isHttpUrl(split.url)) {
      if (split.password) src.secretValues.add(split.password);
      fromUrls.add(JSON.stringify([split.username, split.password]));
      urlCredentials = { username: split.username, password: split.password };
      if (o.api_key !== undefined || o.username !== undefined || o.password !== undefined) {
        src.problemAtPath(p, `${displayPath(p)} carries a user name and password ("user:password@") and elasticsearch.${o.api_key !== undefined ? 'api_key' : 'username/password'} is set too: give the credentials once`, { value: true });
      }
    }
    hosts[i] = split.url;
    if (!isHttpUrl(split.url)) {
      const shown = src.isSecret(src.nodeAt(p)) ? '' : JSON.stringify(split.url) + ' ';
      src.problemAtPath(p, `${displayPath(p)} ${shown}is not an http(s) URL`, { value: true });
    }
  });
  if (fromUrls.size > 1) {
    src.problemAtPath(['elasticsearch', 'hosts'], 'elasticsearch.hosts carry different user names or passwords ("user:password@"): Vigil uses one set for every host; set elasticsearch.username and elasticsearch.password instead', { key: true });
  }
  return { hosts, urlCredentials };
}

/** One kind of credentials, given whole; data_stream or index, with a valid name; a SHA-256 CA fingerprint. */
function checkCredentialsAndNames(ctx: ConfigContext, o: Obj): void {
  const { src } = ctx;
  if (o.api_key !== undefined && (o.username !== undefined || o.password !== undefined)) {
    src.problemAtPath(['elasticsearch', 'api_key'], 'elasticsearch: use either api_key or username/password, not both', { key: true });
  }
  if (o.username !== undefined && o.password === undefined) {
    src.problemAtPath(['elasticsearch', 'username'], 'elasticsearch.username is set but elasticsearch.password is not', { key: true });
  }
  if (o.password !== undefined && o.username === undefined) {
    src.problemAtPath(['elasticsearch', 'password'], 'elasticsearch.password is set but elasticsearch.username is not', { key: true });
  }
  if (o.data_stream !== undefined && o.index !== undefined) {
    src.problemAtPath(['elasticsearch', 'index'], 'elasticsearch: set either data_stream or index, not both', { key: true });
  }
  for (const k of ['data_stream', 'index'] as const) {
    const v = o[k];
    if (typeof v === 'string' && v && !/^[^-_+.A-Z\\/*?"<>|,# :][^A-Z\\/*?"<>|,# :]*$/.test(v)) {
      src.problemAtPath(['elasticsearch', k], `elasticsearch.${k} ${JSON.stringify(v)} is not a valid name (lower case; no spaces or \\ / * ? " < > | , # :; not starting with - _ + .)`, { value: true });
    }
  }
  if (typeof o.ca_fingerprint === 'string' && !/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/.test(o.ca_fingerprint)) {
    src.problemAtPath(['elasticsearch', 'ca_fingerprint'], 'elasticsearch.ca_fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)', { value: true });
  }
}
