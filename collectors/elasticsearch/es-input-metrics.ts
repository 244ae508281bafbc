import { Gauge, Histogram, type Counter } from 'prom-client';
import { registeredCounter as counter, type Metrics } from '../../src/core/metrics';

/** The Elasticsearch input's Prometheus metrics, registered once per metrics registry. */
export interface EsInputMetrics {
  events: Counter<'input'>;
  requests: Counter<'input' | 'kind'>;
  errors: Counter<'input'>;
  noTimestamp: Counter<'input'>;
  lag: Histogram<'input'>;
  shards: Gauge<'input'>;
}

function registered<T>(m: Metrics, name: string, make: () => T): T {
  return (m.registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function esInputMetrics(m: Metrics): EsInputMetrics {
  const reg = m.registry;
  return {
    events: counter(reg, 'vigil_es_input_events_total', 'Documents read from Elasticsearch by the elasticsearch input', ['input']),
    requests: counter(reg, 'vigil_es_input_requests_total', 'Requests made to Elasticsearch (kind: stats, refresh, search)', ['input', 'kind']),
    errors: counter(reg, 'vigil_es_input_errors_total', 'Polls that failed (and are tried again)', ['input']),
    noTimestamp: counter(reg, 'vigil_es_input_no_timestamp_total', 'Documents read without a valid @timestamp (passed on; the engine judges them)', ['input']),
    lag: registered(m, 'vigil_es_input_lag_seconds', () => new Histogram({
      name: 'vigil_es_input_lag_seconds',
      help: 'Seconds between a document\'s ingestion (event.ingested, else the time it was read) and its evaluation by the rules',
      labelNames: ['input'], buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 1800], registers: [reg],
    })),
    shards: registered(m, 'vigil_es_input_shards', () => new Gauge({
      name: 'vigil_es_input_shards', help: 'Shards the elasticsearch input follows', labelNames: ['input'], registers: [reg],
    })),
  };
}
