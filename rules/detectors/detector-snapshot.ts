import type { DetectorConfig } from './types';
import type { GroupTableState } from './group-table';
import type { LatenessGateState } from './lateness-gate';

/** what every detector's snapshot() starts with */
export interface SnapshotEnvelope {
  version: 1;
  type: DetectorConfig['type'];
}

/** the JSON shape the windowed detectors' snapshot() returns (plain objects and arrays only) */
export interface DetectorSnapshot extends SnapshotEnvelope {
  gate: LatenessGateState;
  groups: GroupTableState;
  /** the watermark of the last advance (null: none yet); absent in snapshots of older vigils */
  watermark?: number | null;
}

/** checks the envelope of a snapshot before a detector takes it back */
export function openSnapshot<S extends SnapshotEnvelope = DetectorSnapshot>(state: unknown, type: DetectorConfig['type']): S {
  const s = state as S;
  if (!s || typeof s !== 'object' || s.version !== 1) throw new Error('bad detector snapshot: version');
  if (s.type !== type) throw new Error(`detector snapshot of type ${String(s.type)} given to a ${type} detector`);
  const watermark = (s as { watermark?: unknown }).watermark;
  if (watermark !== undefined && watermark !== null && typeof watermark !== 'number') throw new Error('bad detector snapshot: watermark');
  return s;
}
