import { desiredOwner } from './rendezvous';
import type { LeaseDoc } from './lease-docs';

/** A lease as this member read it, with the age of its version on this member's clock. */
export interface ObservedLease {
  doc: LeaseDoc;
  seqNo: number;
  primaryTerm: number;
  ageMs: number;
}

/** A member as this member read it. */
export interface ObservedMember {
  member: string;
  ageMs: number;
  /** Version changes seen since this member first read it. */
  changes: number;
}

export interface RoundInput {
  self: string;
  rules: readonly string[];
  members: readonly ObservedMember[];
  leases: ReadonlyMap<string, ObservedLease>;
  /** Rules whose lease this member wrote last (its own view, possibly stale). */
  held: ReadonlySet<string>;
  expireAfterMs: number;
}

export interface RoundPlan {
  /** The members rules are spread over (this one included), sorted. */
  live: string[];
  /** Held leases to renew. */
  renew: string[];
  /** Held leases to give up (the rule was removed, or another live member should own it). */
  release: string[];
  /** Rules without a lease document, to create. */
  create: string[];
  /** Leases to take over at the version read (free, expired, or still naming this member). */
  takeover: Array<{ rule: string; from: ObservedLease }>;
}

/**
 * One round's decisions, from one read. Members are live when their heartbeat changed under this
 * member's eyes and is younger than the expiry; each rule should be owned by its rendezvous choice among
 * them. A holder renews unless the rule went or its desired owner is another live member (then it
 * releases: ownership moves only when the membership changes); a rule nobody holds is taken by its
 * desired owner when free or expired, or by anyone when it stayed so for two expiry times (views that
 * disagree cannot leave it unowned).
 */
export function planRound(input: RoundInput): RoundPlan {
  const live = new Set<string>([input.self]);
  for (const m of input.members) {
    if (m.member !== input.self && m.changes > 0 && m.ageMs < input.expireAfterMs) live.add(m.member);
  }
  const members = [...live].sort();
  const plan: RoundPlan = { live: members, renew: [], release: [], create: [], takeover: [] };
  const wanted = new Set(input.rules);
  for (const rule of input.held) if (!wanted.has(rule)) plan.release.push(rule);
  for (const rule of input.rules) {
    const mine = desiredOwner(rule, members) === input.self;
    if (input.held.has(rule)) {
      (mine ? plan.renew : plan.release).push(rule);
      continue;
    }
    const lease = input.leases.get(rule);
    if (!lease) {
      if (mine) plan.create.push(rule);
      continue;
    }
    const owner = lease.doc.owner;
    const expired = lease.ageMs >= input.expireAfterMs;
    const abandoned = lease.ageMs >= 2 * input.expireAfterMs;
    if (owner === input.self) {
      if (mine) plan.takeover.push({ rule, from: lease });
    } else if (owner === null) {
      if (mine || abandoned) plan.takeover.push({ rule, from: lease });
    } else if ((expired && mine) || abandoned) {
      plan.takeover.push({ rule, from: lease });
    }
  }
  return plan;
}
