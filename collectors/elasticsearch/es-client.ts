import { readFileSync } from 'node:fs';
import type { Client, ClientOptions } from '@elastic/elasticsearch';
import { elasticsearchLib } from '../../src/core/elasticsearch-lib';
import type { EsInputConfig } from './config';

/** The official client for the input, set up as the sink's; the input retries at its next poll, so the client does not. */
export function createInputClient(cfg: EsInputConfig): Client {
  const opts: ClientOptions = { node: cfg.url, requestTimeout: cfg.request_timeout_ms, maxRetries: 0, compression: false, name: 'vigil-input' };
  if (cfg.api_key) opts.auth = { apiKey: cfg.api_key };
  else if (cfg.username) opts.auth = { username: cfg.username, password: cfg.password ?? '' };
  if (cfg.ca) opts.tls = { ca: readFileSync(cfg.ca) };
  if (cfg.ca_fingerprint) opts.caFingerprint = cfg.ca_fingerprint;
  return new (elasticsearchLib().Client)(opts);
}
