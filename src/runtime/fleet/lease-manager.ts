import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { Registry } from 'prom-client';
import type { Logger } from '../../core/log';
import { leaseTimes, resolveFleetLeaseOptions, type FleetLeaseOptions, type LeaseTimes } from './config';
import { monotonicClock, type LeaseClock } from './clock';
import { leaseDocId, memberDocId, versionKey, type LeaseDoc, type MemberDoc } from './lease-docs';
import { LeaseStore, type LeaseWrite, type WriteResult } from './lease-store';
import { leaseMetrics, type LeaseMetrics } from './lease-metrics';
import { planRound, type ObservedLease, type ObservedMember } from './round-plan';
import { VersionWatch } from './version-watch';

export interface FleetLeaseManagerDeps {
  client: Client;
  options?: Partial<FleetLeaseOptions>;
  /** The ids of the fleet rules loaded now (`setRules` on reload). */
  rules: readonly string[];
  /** This runner's name in the fleet; unique per process start (default host-pid-random). */
  memberId?: string;
  clock?: LeaseClock;
  log?: Logger;
  registry?: Registry;
}

/** Why a rule stopped being owned. */
export type LostReason = 'released' | 'removed' | 'taken' | 'expired' | 'stopped';

/** What /status shows of the leases. */
export interface FleetLeaseStatus {
  member: string;
  fleet: string;
  index: string;
  lease_ms: number;
  renew_ms: number;
  members: Array<{ member: string; self: boolean }>;
  rules: number;
  owned: Array<{ rule: string; fencing_token: number; valid_for_ms: number }>;
  last_round_ms_ago: number | null;
  /** How long the last successful round took (read and write); rounds near the renewal period risk lapses. */
  last_round_ms: number | null;
  last_error: string | null;
}

interface Held {
  token: number;
  seqNo: number;
  primaryTerm: number;
  /** Monotonic time until which this runner may act as owner. */
  validUntil: number;
  /** `acquired` was emitted and `lost` not since. */
  acting: boolean;
}

/**
 * Shares a fleet's rules among the runners through lease documents in Elasticsearch (README, "Running
 * a fleet"): each round reads the fleet, writes this runner's heartbeat and renews, releases, creates
 * or takes over leases with optimistic concurrency. Emits `acquired(rule, token)` when this runner
 * starts owning a rule and `lost(rule, reason)` when it must stop acting on it; `owned()` is the set
 * it may act on at the moment of the call.
 */
export class FleetLeaseManager extends EventEmitter {
  readonly member: string;
  readonly options: FleetLeaseOptions;
  readonly times: LeaseTimes;
  private readonly store: LeaseStore;
  private readonly clock: LeaseClock;
  private readonly log?: Logger;
  private readonly metrics?: LeaseMetrics;
  private readonly watch = new VersionWatch();
  private readonly held = new Map<string, Held>();
  private rules: string[];
  private live: string[] = [];
  private rounds = 0;
  private running = false;
  private roundTimer?: { cancel(): void };
  private expiryTimer?: { cancel(): void };
  private inRound?: Promise<void>;
  private lastRoundAt: number | null = null;
  private lastRoundMs: number | null = null;
  private lastError: string | null = null;
  private readonly startedAt = new Date().toISOString();

  constructor(deps: FleetLeaseManagerDeps) {
    super();
    this.options = resolveFleetLeaseOptions(deps.options);
    this.times = leaseTimes(this.options);
    this.store = new LeaseStore(deps.client, this.options.index, this.times.renewMs);
    this.clock = deps.clock ?? monotonicClock;
    this.log = deps.log;
    this.metrics = deps.registry ? leaseMetrics(deps.registry) : undefined;
    this.member = deps.memberId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    if (this.member.includes('/')) throw new Error(`fleet member id ${JSON.stringify(this.member)}: must not contain "/"`);
    this.rules = [...new Set(deps.rules)];
  }

  /** Creates the lease index if needed, runs a first round (a heartbeat and a read) and keeps rounds going. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.store.ensureIndex();
    this.running = true;
    await this.runRound();
    this.scheduleRound();
  }

  /** Stops the rounds, stops acting on every rule (`lost` … 'stopped') and releases the leases. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.roundTimer?.cancel();
    this.expiryTimer?.cancel();
    await this.inRound;
    const writes: LeaseWrite[] = [{ op: 'delete', id: memberDocId(this.options.fleet, this.member) }];
    for (const [rule, h] of this.held) {
      this.stopActing(rule, h, 'stopped');
      writes.push({ op: 'put', id: leaseDocId(this.options.fleet, rule), doc: this.leaseDoc(rule, null, h.token), ifVersion: h });
    }
    this.held.clear();
    this.updateGauges();
    try {
      await this.store.write(writes);
    } catch (err) {
      this.log?.warn({ err: String(err) }, 'fleet leases: releasing on stop failed; the other runners take the rules over when the leases expire');
    }
  }

  /** Rules loaded after a reload: removed ones are released at the next round, new ones acquired by their owner. */
  setRules(rules: readonly string[]): void {
    this.rules = [...new Set(rules)];
    if (this.running && !this.inRound) {
      this.roundTimer?.cancel();
      this.scheduleRound(0);
    }
  }

  /** The rules this runner may act on now (a lease renewed recently enough). */
  owned(): Set<string> {
    const now = this.clock.now();
    const out = new Set<string>();
    for (const [rule, h] of this.held) if (h.acting && now < h.validUntil) out.add(rule);
    return out;
  }

  /** The fencing token to attach to what is written for `rule`, or undefined when this runner does not own it. */
  fencingToken(rule: string): number | undefined {
    const h = this.held.get(rule);
    return h && h.acting && this.clock.now() < h.validUntil ? h.token : undefined;
  }

  status(): FleetLeaseStatus {
    const now = this.clock.now();
    return {
      member: this.member,
      fleet: this.options.fleet,
      index: this.options.index,
      lease_ms: this.options.lease_ms,
      renew_ms: this.times.renewMs,
      members: this.live.map((m) => ({ member: m, self: m === this.member })),
      rules: this.rules.length,
      owned: [...this.held].filter(([, h]) => h.acting && now < h.validUntil).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([rule, h]) => ({ rule, fencing_token: h.token, valid_for_ms: Math.round(h.validUntil - now) })),
      last_round_ms_ago: this.lastRoundAt === null ? null : Math.round(now - this.lastRoundAt),
      last_round_ms: this.lastRoundMs,
      last_error: this.lastError,
    };
  }

  private scheduleRound(delay = this.times.renewMs): void {
    if (!this.running) return;
    this.roundTimer = this.clock.setTimer(() => {
      const started = this.clock.now();
      void this.runRound().finally(() => this.scheduleRound(Math.max(0, this.times.renewMs - (this.clock.now() - started))));
    }, delay);
  }

  private runRound(): Promise<void> {
    const p = this.round().catch((err) => {
      this.lastError = String((err as Error)?.message ?? err);
      this.metrics?.roundErrors.inc();
      this.log?.warn({ err: this.lastError }, 'fleet leases: a round failed; owned rules are given up when their leases run out');
    }).finally(() => {
      this.inRound = undefined;
      this.expireHeld();
    });
    this.inRound = p;
    return p;
  }

  private async round(): Promise<void> {
    const firstRead = this.rounds === 0;
    this.rounds += 1;
    const began = this.clock.now();
    const snap = await this.store.read(this.options.fleet);
    if (!this.running) return;
    const now = this.clock.now();
    const present = new Set<string>();
    const members: ObservedMember[] = [];
    for (const [member, v] of snap.members) {
      const key = `m/${member}`;
      present.add(key);
      const seen = this.watch.observe(key, versionKey(v), now, firstRead);
      members.push({ member, ...seen });
    }
    const leases = new Map<string, ObservedLease>();
    for (const [rule, v] of snap.leases) {
      const key = `l/${rule}`;
      present.add(key);
      const seen = this.watch.observe(key, versionKey(v), now, firstRead);
      leases.set(rule, { doc: v.doc, seqNo: v.seqNo, primaryTerm: v.primaryTerm, ageMs: seen.ageMs });
    }
    this.watch.keepOnly(present);
    const plan = planRound({ self: this.member, rules: this.rules, members, leases, held: new Set(this.held.keys()), expireAfterMs: this.times.expireAfterMs });
    this.live = plan.live;

    const fleet = this.options.fleet;
    const writes: LeaseWrite[] = [{ op: 'put', id: memberDocId(fleet, this.member), doc: this.memberDoc() }];
    const after: Array<(r: WriteResult, sentAt: number) => void> = [() => undefined];
    const wanted = new Set(this.rules);
    for (const rule of plan.release) {
      const h = this.held.get(rule)!;
      this.held.delete(rule);
      this.stopActing(rule, h, wanted.has(rule) ? 'released' : 'removed');
      writes.push({ op: 'put', id: leaseDocId(fleet, rule), doc: this.leaseDoc(rule, null, h.token), ifVersion: h });
      after.push(() => undefined);
    }
    for (const rule of plan.renew) {
      const h = this.held.get(rule)!;
      writes.push({ op: 'put', id: leaseDocId(fleet, rule), doc: this.leaseDoc(rule, this.member, h.token), ifVersion: h });
      after.push((r, sentAt) => this.afterRenew(rule, h, r, sentAt));
    }
    // the first round only announces this runner: acquiring waits for a view of the others
    if (!firstRead) {
      for (const rule of plan.create) {
        writes.push({ op: 'create', id: leaseDocId(fleet, rule), doc: this.leaseDoc(rule, this.member, 1) });
        after.push((r, sentAt) => this.afterAcquire(rule, 1, r, sentAt));
      }
      for (const { rule, from } of plan.takeover) {
        const token = from.doc.token + 1;
        writes.push({ op: 'put', id: leaseDocId(fleet, rule), doc: this.leaseDoc(rule, this.member, token), ifVersion: from });
        after.push((r, sentAt) => this.afterAcquire(rule, token, r, sentAt));
      }
      for (const m of members) {
        const v = snap.members.get(m.member)!;
        if (m.member !== this.member && m.ageMs >= 2 * this.times.expireAfterMs) {
          writes.push({ op: 'delete', id: v.id, ifVersion: v });
          after.push(() => undefined);
        }
      }
    }
    const sentAt = this.clock.now();
    const results = await this.store.write(writes);
    results.forEach((r, i) => after[i]!(r, sentAt));
    const failed = results.find((r) => r.outcome === 'error');
    this.lastError = failed && failed.outcome === 'error' ? `lease write: ${failed.reason}` : null;
    this.lastRoundAt = this.clock.now();
    this.lastRoundMs = Math.round(this.lastRoundAt - began);
  }

  private afterRenew(rule: string, h: Held, r: WriteResult, sentAt: number): void {
    if (this.held.get(rule) !== h) return;
    if (r.outcome === 'conflict') {
      this.held.delete(rule);
      this.stopActing(rule, h, 'taken');
      return;
    }
    if (r.outcome !== 'ok') return;
    h.seqNo = r.seqNo;
    h.primaryTerm = r.primaryTerm;
    h.validUntil = sentAt + this.times.ownerValidMs;
    // a renewal that lands while nobody else wrote the lease makes this runner the owner again
    if (!h.acting && this.clock.now() < h.validUntil) this.startActing(rule, h);
  }

  private afterAcquire(rule: string, token: number, r: WriteResult, sentAt: number): void {
    if (r.outcome !== 'ok') return;
    const h: Held = { token, seqNo: r.seqNo, primaryTerm: r.primaryTerm, validUntil: sentAt + this.times.ownerValidMs, acting: false };
    this.held.set(rule, h);
    if (this.clock.now() < h.validUntil) this.startActing(rule, h);
  }

  private startActing(rule: string, h: Held): void {
    h.acting = true;
    this.metrics?.changes.inc({ change: 'acquired' });
    this.updateGauges();
    this.log?.info({ rule, fence: h.token }, 'fleet leases: rule acquired');
    this.emit('acquired', rule, h.token);
  }

  private stopActing(rule: string, h: Held, reason: LostReason): void {
    if (!h.acting) return;
    h.acting = false;
    this.metrics?.changes.inc({ change: reason === 'released' || reason === 'removed' || reason === 'stopped' ? 'released' : 'lost' });
    this.updateGauges();
    this.log?.info({ rule, reason }, 'fleet leases: rule no longer owned');
    this.emit('lost', rule, reason);
  }

  /** Stops acting on leases past their validity, and arms a timer for the next one. */
  private expireHeld(): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const [rule, h] of this.held) {
      if (!h.acting) continue;
      if (now >= h.validUntil) this.stopActing(rule, h, 'expired');
      else next = Math.min(next, h.validUntil);
    }
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    if (this.running && next < Infinity) this.expiryTimer = this.clock.setTimer(() => this.expireHeld(), Math.max(0, next - now) + 1);
    this.updateGauges();
  }

  private updateGauges(): void {
    this.metrics?.ownedRules.set([...this.held.values()].filter((h) => h.acting).length);
    this.metrics?.liveMembers.set(this.live.length);
  }

  private memberDoc(): MemberDoc {
    return {
      kind: 'member', fleet: this.options.fleet, member: this.member, host: hostname(), pid: process.pid,
      lease_ms: this.options.lease_ms, renewed_at: new Date().toISOString(), started_at: this.startedAt,
    };
  }

  private leaseDoc(rule: string, owner: string | null, token: number): LeaseDoc {
    return { kind: 'lease', fleet: this.options.fleet, rule, owner, token, lease_ms: this.options.lease_ms, renewed_at: new Date().toISOString() };
  }
}
