import type { DetectorConfig } from './types';
import type { GroupTableState } from './group-table';
import type { LatenessGateState } from './lateness-gate';

/** the JSON shape every detector's snapshot() returns (plain objects and arrays only) */
export interface DetectorSnapshot {
  version: 1;
  type: DetectorConfig['type'];
  gate: LatenessGateState;
  groups: GroupTableState;
  /** the watermark of the last advance (null: none yet); absent in snapshots of older vigils */
  watermark?: number | null;
}

/** checks the envelope of a snapshot before a detector takes it back */
export function openSnapshot(state: unknown, type: DetectorConfig['type']): DetectorSnapshot {
  const s = state as DetectorSnapshot;
  if (!s || typeof s !== 'object' || s.version !== 1) throw new Error('bad detector snapshot: version');
  if (s.type !== type) throw new Error(`detector snapshot of type ${String(s.type)} given to a ${type} detector`);
  if (s.watermark !== undefined && s.watermark !== null && typeof s.watermark !== 'number') throw new Error('bad detector snapshot: watermark');
  return s;
}
