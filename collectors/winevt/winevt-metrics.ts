import type { Counter } from 'prom-client';
import { registeredCounter as counter, type Metrics } from '../../src/core/metrics';

/** The live collector's Prometheus counters, registered once per metrics registry. */
export interface WinevtMetrics {
  events: Counter<'input' | 'channel'>;
  gaps: Counter<'input' | 'channel'>;
  gapRecords: Counter<'input' | 'channel'>;
  errors: Counter<'input' | 'channel' | 'kind'>;
}

export function winevtMetrics(m: Metrics): WinevtMetrics {
  const reg = m.registry;
  return {
    events: counter(reg, 'vigil_winevt_events_total', 'Events read from Windows event log channels', ['input', 'channel']),
    gaps: counter(reg, 'vigil_winevt_gaps_total', 'Times a channel was cleared, wrapped or restarted its record ids before everything was read', ['input', 'channel']),
    gapRecords: counter(reg, 'vigil_winevt_gap_records_total', 'Records lost in those gaps (as far as known)', ['input', 'channel']),
    errors: counter(reg, 'vigil_winevt_errors_total', 'Failed reads of a channel (kind: channel_not_found, access_denied, timeout, no_executable, other)', ['input', 'channel', 'kind']),
  };
}
