/**
 * A rule's fingerprints: stable hashes of its resolved definition (an unchanged rule is kept as it is
 * across reloads) and of the part of it that shapes what it detects (a rule edited elsewhere keeps its state).
 */
import { createHash } from 'node:crypto';
import type { RuleDef } from '../types';
import type { Obj } from './raw-values';

/** Stable hash of a rule's resolved definition (examples and positions excluded). */
export function ruleFingerprint(rule: RuleDef): string {
  const { examples: _e, file: _f, line: _l, col: _c, where_line: _wl, where_col: _wc, fingerprint: _fp, detection_fingerprint: _dfp, ...def } = rule;
  return createHash('sha256').update(stableJson(def)).digest('hex').slice(0, 16);
}

/**
 * The keys that change what a rule's alerts say and where they go, never what it detects: a rule
 * edited only in these keeps its windows, its new_term history and its alerts on reload and restart.
 */
const NOT_DETECTION = ['severity', 'description', 'references', 'notify', 'notify_resolved', 'realert_ms', 'group_window_ms', 'tags'] as const;

/** Stable hash of what shapes a rule's detector state: its definition without the keys above. */
export function detectionFingerprint(rule: RuleDef): string {
  const { examples: _e, file: _f, line: _l, col: _c, where_line: _wl, where_col: _wc, fingerprint: _fp, detection_fingerprint: _dfp, ...def } = rule;
  const rest: Obj = { ...def };
  for (const k of NOT_DETECTION) delete rest[k];
  return createHash('sha256').update(stableJson(rest)).digest('hex').slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as Obj)
      .sort()
      .filter((k) => (v as Obj)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Obj)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
