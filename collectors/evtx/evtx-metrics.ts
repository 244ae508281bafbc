import type { Counter } from 'prom-client';
import { registeredCounter as counter, type Metrics } from '../../src/core/metrics';

/** The .evtx input's Prometheus counters, registered once per metrics registry. */
export interface EvtxMetrics {
  events: Counter<'input'>;
  filtered: Counter<'input'>;
  files: Counter<'input' | 'event'>;
  problems: Counter<'input' | 'kind'>;
  skippedRecords: Counter<'input'>;
  checksumMismatch: Counter<'input'>;
}

export function evtxMetrics(m: Metrics): EvtxMetrics {
  const reg = m.registry;
  return {
    events: counter(reg, 'vigil_evtx_events_total', 'Events read from .evtx files', ['input']),
    filtered: counter(reg, 'vigil_evtx_filtered_total', 'Records of .evtx files read past because the input\'s event_ids, levels or providers do not keep them', ['input']),
    files: counter(reg, 'vigil_evtx_files_total', '.evtx file reads (event: read = read to its end, damaged = first found damaged, error = could not be read, retried)', ['input', 'event']),
    problems: counter(reg, 'vigil_evtx_problems_total', 'Damage found in .evtx files, each problem once per file (kind: the reader\'s issue kind, e.g. chunk-skipped, chunk-checksum, record-framing, chunk-truncated)', ['input', 'kind']),
    skippedRecords: counter(reg, 'vigil_evtx_skipped_records_total', 'Records of .evtx files lost to damage (not a whole record, not decodable, left over from an earlier use of the chunk, or declared by the chunk header and not found), each once per file', ['input']),
    checksumMismatch: counter(reg, 'vigil_evtx_checksum_mismatch_total', 'Events read from .evtx chunks whose checksums failed or could not be checked (tagged vigil_evtx_checksum_mismatch)', ['input']),
  };
}
