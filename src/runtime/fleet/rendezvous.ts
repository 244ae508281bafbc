import { createHash } from 'node:crypto';

/** Highest-random-weight (rendezvous) hashing: the member with the highest hash of (member, rule) is the rule's desired owner. */
export function desiredOwner(ruleId: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const m of members) {
    const w = weight(m, ruleId);
    if (w > bestWeight || (w === bestWeight && best !== undefined && m < best)) {
      best = m;
      bestWeight = w;
    }
  }
  return best;
}

function weight(member: string, ruleId: string): bigint {
  return createHash('sha256').update(member).update('\0').update(ruleId).digest().readBigUInt64BE(0);
}
