import type { Condition } from './types';
import type { Group } from './group-table';

/** builds the Condition of a group (one place, so every detector fills the fields the same way) */
export function conditionOf(
  g: Group<unknown>,
  firing: boolean,
  count: number,
  windowStart: number,
  windowEnd: number,
  at: number,
  reference?: number,
): Condition {
  const c: Condition = { group: g.key, groupValues: g.values, firing, count, windowStart, windowEnd, at };
  if (reference !== undefined) c.reference = reference;
  return c;
}

/** a group forgotten (ttl) while firing ends its alert: the same condition, not firing, decided at the watermark */
export function endedByExpiry(last: Condition, watermark: number): Condition {
  return { ...last, firing: false, at: watermark };
}
