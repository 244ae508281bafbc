import type { Counter } from 'prom-client';
import { registeredCounter, type Metrics } from '../../src/core/metrics';

/** The event store's counters of what its duplicate check after a restart could not cover. */
export function replayCounters(m: Metrics): { uncheckedBytes: Counter<string>; released: Counter<'reason'> } {
  return {
    uncheckedBytes: registeredCounter(m.registry, 'vigil_event_store_replay_unchecked_bytes_total',
      'Bytes of the event store written after the last checkpoint that a start did not check for duplicates (past the start-up budget, or no checkpoint mark): events among them sent again are written twice', []),
    released: registeredCounter(m.registry, 'vigil_event_store_replay_released_total',
      'Events written before a restart, not sent again, let go from the duplicate check (reason: source_gone, held_too_long): written twice if they come later', ['reason']),
  };
}
