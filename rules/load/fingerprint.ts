/** A rule's fingerprint: a stable hash of its resolved definition, so an unchanged rule keeps its state across reloads. */
import { createHash } from 'node:crypto';
import type { RuleDef } from '../types';
import type { Obj } from './raw-values';

/** Stable hash of a rule's resolved definition (examples and positions excluded). */
export function ruleFingerprint(rule: RuleDef): string {
  const { examples: _e, file: _f, line: _l, col: _c, where_line: _wl, where_col: _wc, fingerprint: _fp, ...def } = rule;
  return createHash('sha256').update(stableJson(def)).digest('hex').slice(0, 16);
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
