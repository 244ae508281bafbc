/**
 * What a fleet runner does when it acquires a rule: the rule starts keeping the events the input
 * brings for it, its windows are re-read from Elasticsearch (./window-rebuild.ts), the two are counted
 * together (each `_id` once), and from then on the rule is evaluated. Until the input has polled twice
 * more (by then it has read past everything the re-read could see), the rule passes by the events the
 * re-read counted. The alerts a former owner left firing (in the alert history) go on under their
 * ids rather than firing anew; those the rebuilt windows no longer hold resolve. A failed re-read is retried with backoff while the lease holds; a lease lost meanwhile
 * abandons it.
 */
import type { Logger } from '../../core/log';
import type { GroupNotified, OpenAlert, RebuildEvent, RuleDef, RulesEngine } from '../../../rules';
import { takeoverSpanMs } from '../../../rules';
import type { TakeoverMetrics } from './takeover-metrics';

export interface RuleTakeoversDeps {
  engine: RulesEngine;
  /** the re-read of one rule's windows */
  reread: (def: RuleDef, now: number) => Promise<RebuildEvent[]>;
  /** the rule's alerts the alert history holds as firing (a former owner's), carried on under their ids */
  openAlerts?: (rule: string) => Promise<Array<Omit<OpenAlert, 'groupValues'>>>;
  /** when the rule's groups were last notified among the firings of [from, to) (event time), from the alert history */
  lastNotified?: (rule: string, from: number, to: number) => Promise<GroupNotified[]>;
  /** polls the input has completed so far */
  inputPolls: () => number;
  /** still the owner (the lease may end while the re-read runs) */
  owns: (rule: string) => boolean;
  log: Logger;
  metrics?: TakeoverMetrics;
  retryBaseMs?: number;
}

/** One takeover as /status shows it. */
export interface TakeoverReport {
  rule: string;
  at: string;
  /** events re-read and kept, counted together */
  events?: number;
  /** alert changes the re-read made (a firing the former owner wrote already is a duplicate in the alert history) */
  alert_changes?: number;
  /** alerts the former owner left firing, carried on under their ids */
  open_alerts?: number;
  ms?: number;
  state: 'rebuilding' | 'done' | 'abandoned';
  last_error?: string;
}

const HISTORY = 20;

export class RuleTakeovers {
  private readonly generation = new Map<string, number>();
  private readonly settling = new Map<string, number>();
  private readonly reports: TakeoverReport[] = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** the engine's count of events takeovers could not keep aside, as last reported */
  private droppedSeen = 0;

  constructor(private readonly d: RuleTakeoversDeps) {}

  /** Events a takeover could not keep aside (more than TAKEOVER_KEEP_MAX came meanwhile): never silent. */
  private reportDropped(rule: string): void {
    const dropped = this.d.engine.ownership?.dropped ?? 0;
    if (dropped <= this.droppedSeen) return;
    const n = dropped - this.droppedSeen;
    this.droppedSeen = dropped;
    this.d.metrics?.dropped.inc(n);
    this.d.log.warn({ rule, events: n }, 'fleet: events that came during a takeover were more than it keeps aside; the oldest were not counted by its rules');
  }

  start(): void {
    this.timer = setInterval(() => this.settle(), 250);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** The lease of `rule` was acquired: rebuild its windows, then evaluate it. */
  acquired(rule: string): void {
    const { engine, log } = this.d;
    const def = engine.rules?.rules.find((r) => r.id === rule);
    if (!def || !engine.beginTakeover(rule)) {
      log.warn({ rule }, 'fleet: acquired a rule that is not loaded here; it stays idle');
      return;
    }
    const gen = (this.generation.get(rule) ?? 0) + 1;
    this.generation.set(rule, gen);
    this.settling.delete(rule);
    const report: TakeoverReport = { rule, at: new Date().toISOString(), state: 'rebuilding' };
    this.reports.push(report);
    if (this.reports.length > HISTORY) this.reports.shift();
    void this.run(rule, def, gen, report);
  }

  /** The lease of `rule` ended: the rule stops at once (a re-read under way is abandoned). */
  lost(rule: string): void {
    this.generation.set(rule, (this.generation.get(rule) ?? 0) + 1);
    this.settling.delete(rule);
    this.d.engine.releaseRule(rule);
  }

  /** Takeovers under way and the latest ones. */
  status(): TakeoverReport[] {
    return this.reports.map((r) => ({ ...r }));
  }

  private current(rule: string, gen: number): boolean {
    return !this.stopped && this.generation.get(rule) === gen && this.d.owns(rule);
  }

  private async run(rule: string, def: RuleDef, gen: number, report: TakeoverReport): Promise<void> {
    const { engine, log, metrics } = this.d;
    const began = Date.now();
    let wait = this.d.retryBaseMs ?? 500;
    for (;;) {
      if (!this.current(rule, gen)) break;
      try {
        // (in the events' time: see RulesEngine.eventTimeNow)
        const now = engine.eventTimeNow();
        // realert goes on from the former owner's notifications before the re-read span (those in it are re-derived)
        const spanStart = now - takeoverSpanMs(def);
        const [events, open, notified] = await Promise.all([
          this.d.reread(def, now), this.d.openAlerts?.(rule) ?? [],
          def.realert_ms > 0 ? this.d.lastNotified?.(rule, now - def.realert_ms, spanStart) ?? [] : [],
        ]);
        if (!this.current(rule, gen)) break;
        const polls = this.d.inputPolls();
        const done = engine.completeTakeover(rule, events, open, now, notified);
        if (!done) break;
        this.settling.set(rule, polls + 2);
        report.state = 'done';
        report.events = done.events;
        report.alert_changes = done.changes.length;
        report.open_alerts = open.length;
        report.ms = Date.now() - began;
        delete report.last_error;
        metrics?.takeovers.inc({ outcome: 'done' });
        metrics?.events.inc(done.events);
        metrics?.seconds.observe(report.ms / 1000);
        log.info({ rule, events: done.events, alert_changes: done.changes.length, ms: report.ms }, 'fleet: rule taken over, its windows rebuilt from Elasticsearch');
        this.reportDropped(rule);
        return;
      } catch (err) {
        report.last_error = (err as Error).message;
        metrics?.takeovers.inc({ outcome: 'retried' });
        log.warn({ rule, err: report.last_error, retry_in_ms: wait }, 'fleet: re-reading a taken-over rule\'s windows failed; tried again');
        await new Promise((r) => setTimeout(r, wait).unref());
        wait = Math.min(wait * 2, 30_000);
      }
    }
    report.state = 'abandoned';
    metrics?.takeovers.inc({ outcome: 'abandoned' });
    log.info({ rule }, 'fleet: a takeover was abandoned (the lease ended first)');
  }

  /** Rules whose input has polled past their re-read stop looking for events counted twice. */
  private settle(): void {
    if (this.settling.size === 0) return;
    const polls = this.d.inputPolls();
    for (const [rule, until] of this.settling) {
      if (polls < until) continue;
      this.settling.delete(rule);
      this.d.engine.ownership?.settle(rule);
    }
  }
}
