import type { Logger } from '../../../src/core/log';
import type { Metrics } from '../../../src/core/metrics';
import { asDeliveryError, type Delivery } from '../../notify/outbox/delivery';
import { NotifierLane } from '../../notify/outbox/notifier-lane';
import { DeliveryLedger, FenceLost } from './delivery-ledger';
import type { DeliveryRecord, FencedRecord } from './delivery-record';

export interface FleetDeliveryOptions {
  ledger: DeliveryLedger;
  /** this runner's name, unique among live runners (recorded as owner, sent_by) */
  owner: string;
  /** the outbox's senders (Deliveries.for): the same notifiers, keys, headers and answers as on agents */
  deliveryFor: (notifier: string) => Delivery | undefined;
  log: Logger;
  metrics?: Metrics;
  /** how long a claim holds off other runners; must exceed the longest send (notifier timeout). Default 30 s */
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Fleet runner: the fencing token of the rule's lease while this runner owns the rule, else
   * undefined. A record is claimed and sent only by its rule's owner, and never by a runner holding a
   * lower token than the record's `fence` (a former owner). Absent: every record is delivered.
   */
  fenceFor?: (rule: string) => number | undefined;
  /** the rules whose records this runner looks for (its owned rules); absent: all */
  rules?: () => readonly string[];
}

/** What became of one try at a delivery. */
export type DeliveryOutcome = 'sent' | 'failed' | 'retry' | 'done-already' | 'not-due' | 'owned-by-other' | 'lost-race' | 'absent' | 'fence-lost-after-send'
  | 'not-owner' | 'fenced-out';

/**
 * Delivers the alert changes' notifications whose records live in Elasticsearch (the fleet's outbox),
 * so any runner finishes what a dead one began and none repeats what was completed:
 *
 * 1. claim: the record (read with its version) becomes `claimed` by this runner until now + lease,
 *    written with `if_seq_no`/`if_primary_term`; of runners racing for it one wins, the others get a
 *    409 and leave it. A claim of a record whose owner's lease expired is a takeover, recorded.
 * 2. `sending` (fenced, attempts + 1) is written before the receiver is called.
 * 3. the outbox's sender delivers it with the record's key as idempotency key (X-Vigil-Delivery,
 *    Message-ID); then `sent` (or `failed` when refused for good, or back to `pending` with a backoff).
 *
 * A runner dying after 1 leaves `claimed`: the next owner knows nothing was sent. Dying during 3
 * leaves `sending`: the next owner sends again with the same key, which a receiver deduplicating by
 * key drops (as with the local outbox, no sender can do better without the receiver's help).
 * Sent and failed records are final and never claimed again.
 */
export class FleetDeliveryDispatcher {
  private readonly lanes = new Map<string, NotifierLane>();
  private readonly wanted = new Set<string>();
  /** lease renewals of sends under way (stopped with the dispatcher: their records are then taken over after the lease) */
  private readonly renewals = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private busy: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastScanError?: string;
  readonly leaseMs: number;

  constructor(private readonly o: FleetDeliveryOptions) {
    this.leaseMs = o.leaseMs ?? 30_000;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.o.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    for (const t of this.renewals) clearInterval(t);
    this.renewals.clear();
    await this.busy;
  }

  /** Looks for due records now; `keys` (just written by this runner) are tried without waiting for a refresh. */
  kick(keys: string[] = []): void {
    for (const k of keys) this.wanted.add(k);
    if (this.stopped || this.busy) return;
    this.busy = this.scan().finally(() => {
      this.busy = null;
      if (this.wanted.size > 0 && !this.stopped) setImmediate(() => this.kick());
    });
  }

  /** One pass: the wanted keys and those the ledger reports due, each tried once. */
  async scan(): Promise<void> {
    const keys = new Set(this.wanted);
    this.wanted.clear();
    try {
      for (const k of await this.o.ledger.due(Date.now(), 200, this.o.rules?.())) keys.add(k);
      this.lastScanError = undefined;
    } catch (err) {
      const msg = (err as Error).message;
      if (this.lastScanError !== msg) this.o.log.warn({ err: msg }, 'cannot read the alert deliveries in Elasticsearch; will retry');
      this.lastScanError = msg;
    }
    for (const key of keys) {
      if (this.stopped) return;
      try {
        await this.deliverOne(key);
      } catch (err) {
        // Elasticsearch failed mid-way: the record keeps its state; its lease expires and it is retried
        this.o.log.warn({ key, err: (err as Error).message }, 'could not record a delivery\'s state in Elasticsearch; it is retried when its lease ends');
      }
    }
  }

  /** Claims the delivery if it is free or its owner's lease expired, then sends it. */
  async deliverOne(key: string): Promise<DeliveryOutcome> {
    const claim = await this.claim(key);
    if (typeof claim === 'string') return claim;
    return this.send(claim);
  }

  /** Step 1 alone (also what a runner that dies right after claiming leaves behind). */
  async claim(key: string): Promise<FencedRecord | DeliveryOutcome> {
    const f = await this.o.ledger.get(key);
    if (!f) return 'absent';
    const r = f.rec;
    const now = Date.now();
    if (r.status === 'sent' || r.status === 'failed') return 'done-already';
    if (r.status === 'pending' && (r.retry_at ?? 0) > now) return 'not-due';
    if ((r.status === 'claimed' || r.status === 'sending') && (r.lease_until ?? 0) >= now) return 'owned-by-other';
    if (now < this.lane(r.notifier).retryAt) return 'not-due';
    const fence = this.o.fenceFor?.(r.rule);
    if (this.o.fenceFor && fence === undefined) return 'not-owner';
    if (fence !== undefined && (r.fence ?? 0) > fence) return 'fenced-out';
    const next: DeliveryRecord = { ...r, status: 'claimed', owner: this.o.owner, lease_until: now + this.leaseMs, ...(fence !== undefined ? { fence } : {}) };
    delete next.retry_at;
    if (r.status === 'claimed' || r.status === 'sending') {
      this.o.metrics?.deliveryTakeovers.inc({ seen: r.status });
      next.takeovers = [...(r.takeovers ?? []), { from: r.owner ?? '?', by: this.o.owner, at: new Date(now).toISOString(), seen: r.status }];
      this.o.log.info({ key, from: r.owner, seen: r.status }, r.status === 'sending'
        ? 'taking over a delivery whose runner stopped while sending; it is sent again with the same key'
        : 'taking over a delivery whose runner stopped before sending');
    }
    try {
      return await this.o.ledger.replace(f, next);
    } catch (err) {
      if (err instanceof FenceLost) return 'lost-race';
      throw err;
    }
  }

  /** Steps 2 and 3 for a record this runner claimed. */
  async send(claimed: FencedRecord): Promise<DeliveryOutcome> {
    const r = claimed.rec;
    const lane = this.lane(r.notifier);
    const delivery = this.o.deliveryFor(r.notifier);
    if (!delivery) {
      const why = `notifier "${r.notifier}" is not defined in the rules; its notifications wait until it is`;
      if (lane.lastError !== why) this.o.log.warn({ notifier: r.notifier, key: r.key }, why);
      lane.noteError(why);
      return this.release(claimed, why, Date.now() + 5000);
    }
    // the rule's lease ended since the claim: the record goes back at once, for the new owner
    if (this.o.fenceFor && this.o.fenceFor(r.rule) !== r.fence) {
      await this.release(claimed, 'the rule\'s lease moved to another runner before sending', Date.now());
      return 'not-owner';
    }
    let sending: FencedRecord;
    try {
      sending = await this.o.ledger.replace(claimed, { ...r, status: 'sending', attempts: r.attempts + 1, attempt_started_at: new Date().toISOString() });
    } catch (err) {
      if (err instanceof FenceLost) return 'lost-race';
      throw err;
    }
    let detail: string;
    const renewal = this.renewWhileSending(sending);
    try {
      detail = await delivery.deliver({ key: r.key, notifier: r.notifier, alerts: [r.alert] }, this.abort.signal);
    } catch (err) {
      sending = await renewal.stop();
      if (this.abort.signal.aborted) return 'retry'; // stopped mid-send: `sending`, taken over after the lease
      const e = asDeliveryError(err);
      const tries = sending.rec.attempts;
      const givenUp = !e.permanent && delivery.maxRetries !== undefined && tries > delivery.maxRetries;
      if (e.permanent || givenUp) {
        const why = givenUp ? `given up after ${tries} tries (retries: ${delivery.maxRetries}): ${e.message}` : e.message;
        lane.onPermanent(why);
        this.o.metrics?.notifications.inc({ notifier: r.notifier, outcome: 'failed' });
        this.o.log.error({ notifier: r.notifier, key: r.key, rule: r.rule, err: why }, 'notification refused for good; its delivery record is failed');
        await this.finish(sending, { ...sending.rec, status: 'failed', failed_at: new Date().toISOString(), error: why });
        return 'failed';
      }
      const wait = lane.onTransient(e.message, e.retryAfterMs);
      this.o.metrics?.notifications.inc({ notifier: r.notifier, outcome: 'retry' });
      this.o.log.warn({ notifier: r.notifier, key: r.key, err: e.message, retry_in_ms: wait }, 'notification not delivered; will retry');
      return this.release(sending, e.message, Date.now() + wait);
    }
    sending = await renewal.stop();
    lane.onSent();
    this.o.metrics?.notifications.inc({ notifier: r.notifier, outcome: 'sent' });
    this.o.log.info({ notifier: r.notifier, key: r.key, rule: r.rule, via: delivery.kind }, 'notification sent');
    const done: DeliveryRecord = { ...sending.rec, status: 'sent', sent_at: new Date().toISOString(), sent_by: this.o.owner, delivered: detail };
    return (await this.finish(sending, done)) ? 'sent' : 'fence-lost-after-send';
  }

  status(): Record<string, unknown> {
    const notifiers: Record<string, unknown> = {};
    for (const [name, lane] of this.lanes) notifiers[name] = lane.status(0);
    return { owner: this.o.owner, lease_ms: this.leaseMs, ...(this.lastScanError ? { last_error: this.lastScanError } : {}), notifiers };
  }

  /**
   * Extends the lease of a record being sent every third of the lease (fenced), so that a slow
   * receiver does not let another runner take over a send that is still running. `stop` waits for a
   * renewal under way and gives the record's latest fence.
   */
  private renewWhileSending(start: FencedRecord): { stop: () => Promise<FencedRecord> } {
    let current = start;
    let chain: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      chain = chain.then(async () => {
        try {
          current = await this.o.ledger.replace(current, { ...current.rec, lease_until: Date.now() + this.leaseMs });
        } catch (err) {
          // lost (taken over) or Elasticsearch unreachable: the send goes on; its outcome is recorded if the fence still holds
          this.o.log.warn({ key: current.rec.key, err: (err as Error).message }, 'could not extend the lease of a delivery being sent');
        }
      });
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    timer.unref();
    this.renewals.add(timer);
    return {
      stop: async () => {
        clearInterval(timer);
        this.renewals.delete(timer);
        await chain;
        return current;
      },
    };
  }

  /** A final state, ownership dropped; false when another runner took the record over meanwhile. */
  private async finish(from: FencedRecord, rec: DeliveryRecord): Promise<boolean> {
    delete rec.owner;
    delete rec.lease_until;
    delete rec.last_error;
    try {
      await this.o.ledger.replace(from, rec);
      return true;
    } catch (err) {
      if (!(err instanceof FenceLost)) throw err;
      this.o.log.warn({ key: rec.key, status: rec.status }, 'a delivery outlived its lease and another runner took it over: it may be sent once more with the same key (raise the lease above the notifier timeout)');
      return false;
    }
  }

  private async release(from: FencedRecord, error: string, retryAt: number): Promise<DeliveryOutcome> {
    const rec: DeliveryRecord = { ...from.rec, status: 'pending', retry_at: retryAt, last_error: error };
    delete rec.owner;
    delete rec.lease_until;
    try {
      await this.o.ledger.replace(from, rec);
    } catch (err) {
      if (!(err instanceof FenceLost)) throw err;
    }
    return 'retry';
  }

  private lane(name: string): NotifierLane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = new NotifierLane(name, this.o.backoffBaseMs ?? 1000, this.o.backoffMaxMs ?? 600_000);
      this.lanes.set(name, lane);
    }
    return lane;
  }
}
