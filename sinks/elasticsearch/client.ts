import { readFileSync } from 'node:fs';
import type { Client, ClientOptions } from '@elastic/elasticsearch';
import { elasticsearchLib } from '../../src/core/elasticsearch-lib';
import type { ElasticsearchConfig } from './config';

/** The official client, set up from vigil.yaml; Vigil does its own retries, so the client does none. */
export function createClient(cfg: ElasticsearchConfig): Client {
  const opts: ClientOptions = {
    nodes: cfg.hosts,
    requestTimeout: cfg.request_timeout_ms,
    maxRetries: 0,
    compression: false,
    name: 'vigil',
  };
  if (cfg.api_key) opts.auth = { apiKey: cfg.api_key };
  else if (cfg.username) opts.auth = { username: cfg.username, password: cfg.password ?? '' };
  if (cfg.ca) opts.tls = { ca: readFileSync(cfg.ca) };
  if (cfg.ca_fingerprint) opts.caFingerprint = cfg.ca_fingerprint;
  return new (elasticsearchLib().Client)(opts);
}
