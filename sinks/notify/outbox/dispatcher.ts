import type { Logger } from '../../../src/core/log';
import type { Metrics } from '../../../src/core/metrics';
import { NO_NOTIFIER, type AlertOutbox, type OutboxEntry } from './alert-outbox';
import { asDeliveryError, type Delivery } from './delivery';
import { NotifierLane } from './notifier-lane';
import { messagesDue } from './messages-due';

export interface DispatcherOptions {
  outbox: AlertOutbox;
  /** the delivery of a notifier of the current rules; undefined when rules.yaml does not define it */
  deliveryFor: (notifier: string) => Delivery | undefined;
  log: Logger;
  metrics?: Metrics;
  /**
   * how often the outbox is looked at besides when its writer says it has new entries, when a
   * `group_window` bundle is due and when a lane's backoff ends (default 1 s): for entries written by
   * another process, or a restart's
   */
  pollMs?: number;
  /** first wait after a transient failure (default 1 s), doubling up to `backoffMaxMs` (default 10 min) */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/**
 * Delivers the outbox's pending entries (SPEC 4), at least once, with an idempotency key.
 *
 * For each entry: the attempt is recorded in the entry's file (durably) before anything is sent; the
 * entry moves to sent/ only after its notifier accepted it, and to failed/ when the notifier refused
 * it for good. A crash before "accepted" leaves it pending: it is sent again at the next start.
 * A crash between "accepted" and "moved to sent/" (a window of one fsync) makes a repeat, which
 * carries the same key (email Message-ID, webhook X-Vigil-Delivery) so receivers can drop it; no
 * outbox can do better against a receiver that does not take part in a two-phase commit.
 *
 * A rule with `group_window` has its entries held that long and sent as one message with the other
 * held entries of the notifier (see messages-due.ts); the bundle has a key of its own, recorded in its
 * entries before the first try.
 *
 * Each notifier is a lane of its own, sent in order (oldest first) and backed off on its own after
 * a transient failure (exponential with jitter, capped), so one receiver that is down holds up no
 * other. Transient failures are retried for as long as it takes: dropping an alert is worse.
 */
export class OutboxDispatcher {
  private lanes = new Map<string, NotifierLane>();
  private inflight = new Set<Promise<void>>();
  private pendingByNotifier = new Map<string, number>();
  private brokenReported = new Set<string>();
  /** keys tried by this process (a first try of an entry with attempts > 0 is a re-send after a restart) */
  private triedHere = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** the next look due before the poll: a bundle's window ending, a lane's backoff ending */
  private dueTimer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;
  private unsubscribe: (() => void) | null = null;
  private stopping = false;
  /** aborts the sends still running when stop's grace is over */
  private readonly abort = new AbortController();
  private readonly pollMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private opts: DispatcherOptions) {
    this.pollMs = opts.pollMs ?? 1000;
    this.baseMs = opts.backoffBaseMs ?? 1000;
    this.maxMs = opts.backoffMaxMs ?? 600_000;
  }

  start(): void {
    this.timer = setInterval(() => this.scan(), this.pollMs);
    this.timer.unref();
    // the outbox's writer says when it adds entries: a firing alert goes out at once, not at the next poll
    this.unsubscribe = this.opts.outbox.onAdded(() => this.kick());
    this.scan();
  }

  /** New entries were queued: look now rather than at the next poll. */
  kick(): void {
    if (!this.stopping) setImmediate(() => this.scan());
  }

  /**
   * Starts no new sends and waits up to `graceMs` for those in flight. A send still running then is
   * aborted with its entry pending: it is sent again (same key) at the next start, never lost.
   */
  async stop(graceMs = 5000): Promise<boolean> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.unsubscribe?.();
    if (this.inflight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled([...this.inflight]).then(() => true),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), graceMs); }),
    ]);
    if (timer) clearTimeout(timer);
    if (!finished) this.abort.abort();
    if (!finished) this.opts.log.warn({ notifiers: [...this.lanes.values()].filter((l) => l.busy).map((l) => l.name) }, 'stopped while notifications were being sent; they stay pending and are sent again (same key) at the next start');
    return finished;
  }

  /** One look at the outbox: every lane that is idle and not backing off starts on its entries. */
  scan(): void {
    if (this.stopping) return;
    let entries: OutboxEntry[];
    try {
      const found = this.opts.outbox.pendingEntries();
      entries = found.entries;
      for (const f of found.broken) {
        if (this.brokenReported.has(f)) continue;
        this.brokenReported.add(f);
        this.opts.log.error({ file: f, dir: this.opts.outbox.dir }, 'an outbox file is not a readable entry; it is left alone');
      }
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message, dir: this.opts.outbox.dir }, 'cannot read the outbox; will retry');
      return;
    }
    const byNotifier = new Map<string, OutboxEntry[]>();
    for (const e of entries) {
      const list = byNotifier.get(e.notifier) ?? [];
      list.push(e);
      byNotifier.set(e.notifier, list);
    }
    this.pendingByNotifier = new Map([...byNotifier].map(([n, l]) => [n, l.length]));
    for (const name of new Set([...this.lanes.keys(), ...byNotifier.keys()])) {
      this.opts.metrics?.outboxPending.set({ notifier: name }, this.pendingByNotifier.get(name) ?? 0);
    }
    const now = Date.now();
    for (const [name, list] of byNotifier) {
      const lane = this.lane(name);
      for (const e of list) if (e.group_window_ms && !e.bundle) this.lookAt(Date.parse(e.created) + e.group_window_ms);
      if (now < lane.retryAt) this.lookAt(lane.retryAt);
      if (lane.busy || now < lane.retryAt) continue;
      lane.busy = true;
      let progressed = false;
      const run: Promise<void> = this.drain(lane, list, () => { progressed = true; })
        .catch((err) => {
          // the outbox itself failed (e.g. disk full): the entry stays pending; try again later
          lane.onTransient(`outbox: ${(err as Error).message}`);
          this.opts.log.error({ notifier: name, err: (err as Error).message }, 'could not record a notification\'s outcome in the outbox; will retry');
        })
        .finally(() => {
          lane.busy = false;
          this.inflight.delete(run);
          // entries queued while this lane was busy go out now (not when nothing moved: a bundle
          // still collecting would make this spin)
          if (progressed && lane.retryAt <= Date.now()) this.kick();
          else if (lane.retryAt > Date.now()) this.lookAt(lane.retryAt);
        });
      this.inflight.add(run);
    }
  }

  /** Looks at the outbox again at `at` (ms since epoch), unless a look is due sooner. */
  private lookAt(at: number): void {
    const now = Date.now();
    if (this.stopping || at <= now || at >= this.dueAt) return;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueAt = at;
    this.dueTimer = setTimeout(() => { this.dueTimer = null; this.dueAt = Infinity; this.scan(); }, at - now);
    this.dueTimer.unref();
  }

  status(): Record<string, unknown> {
    const counts = this.opts.outbox.counts();
    const notifiers: Record<string, unknown> = {};
    for (const name of this.notifierNames()) {
      notifiers[name] = this.lane(name).status(this.pendingByNotifier.get(name) ?? 0);
    }
    return { dir: this.opts.outbox.dir, ...counts, notifiers };
  }

  /** Each notifier that has sent or has notifications waiting, as /health shows it. */
  health(): Array<{ name: string; ok: boolean; detail: string }> {
    const out: Array<{ name: string; ok: boolean; detail: string }> = [];
    for (const name of this.notifierNames()) {
      if (name === NO_NOTIFIER) continue;
      out.push({ name, ...this.lane(name).health(this.pendingByNotifier.get(name) ?? 0) });
    }
    return out;
  }

  /** The notifiers that have tried to send since start or have notifications waiting. */
  private notifierNames(): Set<string> {
    return new Set([...this.lanes.keys(), ...this.pendingByNotifier.keys()]);
  }

  private lane(name: string): NotifierLane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = new NotifierLane(name, this.baseMs, this.maxMs);
      this.lanes.set(name, lane);
    }
    return lane;
  }

  /**
   * Sends a lane's entries in order (one message each, or per `group_window` bundle) until one fails
   * transiently (then the lane backs off).
   */
  private async drain(lane: NotifierLane, entries: OutboxEntry[], onProgress: () => void): Promise<void> {
    const { outbox, log, metrics } = this.opts;
    for (const message of messagesDue(entries, Date.now())) {
      if (this.stopping) return;
      const notifier = message.entries[0].notifier;
      const count = message.entries.length;
      const delivery = this.opts.deliveryFor(notifier);
      if (!delivery && notifier === NO_NOTIFIER) {
        // queued by a Vigil that kept "no notifier" records with the pending ones: nothing to send
        for (const e of message.entries) outbox.markSent(e, 'recorded only: the rule names no notifier');
        continue;
      }
      if (!delivery) {
        const why = `notifier "${notifier}" is not defined in the rules; its notifications wait until it is`;
        if (lane.lastError !== why) log.warn({ notifier, pending: entries.length }, why);
        lane.noteError(why);
        lane.retryAt = Date.now() + Math.max(this.pollMs, 5000);
        return;
      }
      const earlier = Math.max(...message.entries.map((e) => e.attempts ?? 0));
      for (const e of message.entries) {
        if (count > 1) e.bundle = message.key; // recorded with the attempt: a retry has the same members
        outbox.beginAttempt(e);
      }
      if (earlier > 0 && !this.triedHere.has(message.key)) {
        log.info({ notifier, key: message.key, attempts: earlier }, 'sending a notification again whose earlier attempt was cut short (restart); it carries the same key, so a receiver that got it can drop the repeat');
      }
      this.triedHere.add(message.key);
      let detail: string;
      try {
        detail = await delivery.deliver({ key: message.key, notifier, alerts: message.entries.map((e) => e.alert) }, this.abort.signal);
      } catch (err) {
        if (this.abort.signal.aborted) return; // stopped mid-send: pending, with its attempt recorded
        const e = asDeliveryError(err);
        // the notifier's `retries`: tries so far (each recorded before it began, across restarts) beyond the first
        const tries = Math.max(...message.entries.map((m) => m.attempts ?? 1));
        const givenUp = !e.permanent && delivery.maxRetries !== undefined && tries > delivery.maxRetries;
        if (e.permanent || givenUp) {
          const why = givenUp ? `given up after ${tries} tries (retries: ${delivery.maxRetries}): ${e.message}` : e.message;
          for (const m of message.entries) outbox.markFailed(m, why);
          onProgress();
          lane.onPermanent(why, count);
          metrics?.notifications.inc({ notifier, outcome: 'failed' }, count);
          log.error({ notifier, key: message.key, alerts: count, rule: message.entries[0].alert.rule, err: why, dir: outbox.failedDir }, givenUp ? 'notification given up after its retries; moved to failed/' : 'notification refused for good; moved to failed/');
          continue;
        }
        for (const m of message.entries) outbox.noteFailure(m, e.message);
        const wait = lane.onTransient(e.message, e.retryAfterMs);
        metrics?.notifications.inc({ notifier, outcome: 'retry' }, count);
        log.warn({ notifier, key: message.key, err: e.message, failures: lane.failuresInARow, retry_in_ms: wait }, 'notification not delivered; will retry');
        return;
      }
      // accepted: from here a crash before the moves below means one repeat with the same key
      for (const m of message.entries) outbox.markSent(m, detail);
      onProgress();
      lane.onSent(count);
      metrics?.notifications.inc({ notifier, outcome: 'sent' }, count);
      log.info({ notifier, key: message.key, alerts: count, rules: [...new Set(message.entries.map((e) => e.alert.rule))], via: delivery.kind }, 'notification sent');
    }
  }
}
