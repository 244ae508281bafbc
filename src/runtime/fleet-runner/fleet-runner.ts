/**
 * A fleet runner's parts, joined (README, "Running a fleet"): the rule leases (FleetLeaseManager)
 * decide which rules this runner evaluates; an acquired rule is taken over (its windows re-read,
 * ./rule-takeovers.ts) and a lost one stops at once; the Elasticsearch input fetches what the owned
 * rules can match; alert changes of owned rules go to the alert history with their delivery records
 * (AlertHistoryWriter), delivered by the FleetDeliveryDispatcher with the rule's fencing token. All
 * of it talks to the cluster of the input named by `fleet.input`.
 */
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../core/log';
import type { Metrics } from '../../core/metrics';
import type { EventSelection } from '../../core/contracts/event-selection';
import { fleetSelection, type RuleDef, type RulesEngine } from '../../../rules';
import { createInputClient } from '../../../collectors/elasticsearch/es-client';
import type { EsInputConfig } from '../../../collectors/elasticsearch/config';
import { AlertHistoryWriter } from '../../../sinks/elasticsearch/alerts/alert-history-writer';
import { DeliveryLedger } from '../../../sinks/elasticsearch/alerts/delivery-ledger';
import { FleetDeliveryDispatcher } from '../../../sinks/elasticsearch/alerts/fleet-delivery-dispatcher';
import { readLastNotified, readOpenAlerts } from '../../../sinks/elasticsearch/alerts/open-alerts';
import type { Delivery } from '../../../sinks/notify/outbox/delivery';
import { FleetLeaseManager } from '../fleet';
import type { FleetConfig } from '../fleet/config';
import { notifierTimeoutProblem } from '../fleet/config';
import { RuleTakeovers } from './rule-takeovers';
import { rereadRuleEvents } from './window-rebuild';
import { takeoverMetrics } from './takeover-metrics';

export interface FleetRunnerDeps {
  cfg: FleetConfig;
  /** the elasticsearch input named by `fleet.input`: its cluster, index pattern and filter */
  input: EsInputConfig;
  engine: RulesEngine;
  stateDir: string;
  /** the outbox's senders (Deliveries.for) */
  deliveryFor: (notifier: string) => Delivery | undefined;
  /** the input's /status (lag and read rate) and its completed polls */
  inputStatus: () => { polls: number; lag_seconds: number | null; events_per_s: number; events_read: number };
  log: Logger;
  metrics: Metrics;
  /** the client (tests); default one made from the input's options */
  client?: Client;
}

const NO_RULES: RuleDef[] = [];

export class FleetRunner {
  readonly leases: FleetLeaseManager;
  readonly history: AlertHistoryWriter;
  readonly dispatcher: FleetDeliveryDispatcher;
  private readonly takeovers: RuleTakeovers;
  private readonly client: Client;
  private readonly takeoverMetrics;
  private rulesSeen: unknown = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private startTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private startError: string | null = null;
  /** the owned rules' definitions, one array per (rules loaded, rules wanted): fleetSelection computes once per array */
  private selected: { rules: unknown; key: string; defs: RuleDef[] } = { rules: null, key: '', defs: NO_RULES };

  constructor(private readonly d: FleetRunnerDeps) {
    this.client = d.client ?? createInputClient(d.input);
    this.leases = new FleetLeaseManager({ client: this.client, options: d.cfg.leases, rules: this.ruleIds(), log: d.log, registry: d.metrics.registry });
    this.dispatcher = new FleetDeliveryDispatcher({
      ledger: new DeliveryLedger(this.client), owner: this.leases.member, deliveryFor: d.deliveryFor, log: d.log, metrics: d.metrics,
      leaseMs: d.cfg.leases.lease_ms, fenceFor: (rule) => this.leases.fencingToken(rule), rules: () => [...this.leases.owned()],
    });
    this.history = new AlertHistoryWriter({
      client: this.client, observer: this.leases.member, fleet: d.cfg.leases.fleet, deliveries: true, spoolDir: join(d.stateDir, 'alerts-es'),
      log: d.log, metrics: d.metrics, onWritten: (keys) => this.dispatcher.kick(keys),
    });
    this.takeoverMetrics = takeoverMetrics(d.metrics.registry);
    this.takeovers = new RuleTakeovers({
      engine: d.engine, log: d.log, metrics: this.takeoverMetrics,
      reread: (def, now) => rereadRuleEvents(this.client, {
        index: d.input.index, def, filter: d.input.filter, now,
        onSeedsRefused: (reason) => d.log.warn({ rule: def.id, err: reason }, 'fleet: Elasticsearch refused the look-up of what the rule knew before its re-read span (its fields cannot be aggregated?); its terms, values or quiet groups from before are learnt again'),
      }),
      openAlerts: (rule) => readOpenAlerts(this.client, rule, d.cfg.leases.fleet),
      lastNotified: (rule, from, to) => readLastNotified(this.client, rule, d.cfg.leases.fleet, from, to),
      inputPolls: () => d.inputStatus().polls,
      owns: (rule) => this.leases.fencingToken(rule) !== undefined,
    });
    this.leases.on('acquired', (rule: string) => {
      this.takeovers.acquired(rule);
      this.dispatcher.kick(); // its deliveries a former owner left are looked for at once
    });
    this.leases.on('lost', (rule: string) => this.takeovers.lost(rule));
  }

  /** The fencing token of a rule this runner owns now; undefined otherwise (the alert router drops its changes). */
  fence(rule: string): number | undefined {
    return this.leases.fencingToken(rule);
  }

  /** What the elasticsearch input fetches: the rules owned or being taken over. */
  selection(filter?: string): EventSelection {
    return fleetSelection(this.selectedDefs(), filter);
  }

  /** Starts the leases (retried in the background while Elasticsearch does not answer), the deliveries and the takeovers. */
  start(): void {
    this.checkRules(); // the rules loaded by now are the leases' rule set
    this.takeovers.start();
    this.history.start();
    this.dispatcher.start();
    // a rules reload (file watch or `vigil ctl reload`) changes the leases' rule set
    this.watchTimer = setInterval(() => this.checkRules(), 500);
    this.watchTimer.unref();
    void this.startLeases(500);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watchTimer) clearInterval(this.watchTimer);
    if (this.startTimer) clearTimeout(this.startTimer);
    this.takeovers.stop();
    // the rules stop here first, their leases are released for the others
    await this.leases.stop();
    await this.dispatcher.stop();
    if (!(await this.history.drained(2000))) this.d.log.warn({ waiting: this.history.waiting }, 'fleet: alert changes not yet in Elasticsearch; they are written at the next start');
    await this.history.stop();
  }

  status(): Record<string, unknown> {
    const input = this.d.inputStatus();
    const wanted = this.d.engine.ownership?.wanted() ?? [];
    const owned = this.d.engine.ownership?.owned() ?? [];
    return {
      member: this.leases.member,
      input: this.d.input.id,
      owned_rules: owned,
      taking_over: wanted.filter((r) => !owned.includes(r)),
      leases: this.leases.status(),
      ...(this.startError ? { start_error: this.startError } : {}),
      input_lag_seconds: input.lag_seconds,
      read_events_per_s: input.events_per_s,
      events_read: input.events_read,
      takeovers: this.takeovers.status(),
      takeover_duplicates_skipped: this.d.engine.ownership?.duplicatesSkipped ?? 0,
      // events a rule being taken over could not keep aside (over TAKEOVER_KEEP_MAX): not counted by it
      takeover_events_dropped: this.d.engine.ownership?.dropped ?? 0,
      alert_history: this.history.status(),
      deliveries: this.dispatcher.status(),
    };
  }

  /** /health: the leases can be read and written. */
  health(): { ok: boolean; detail?: string } {
    const err = this.startError ?? this.leases.status().last_error;
    return err ? { ok: false, detail: `fleet leases: ${err}` } : { ok: true };
  }

  private async startLeases(wait: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.leases.start();
      if (this.startError) this.d.log.info('fleet: the leases run again');
      this.startError = null;
    } catch (err) {
      this.startError = (err as Error).message;
      this.d.log.warn({ err: this.startError, retry_in_ms: wait }, 'fleet: cannot set up the leases in Elasticsearch; tried again');
      this.startTimer = setTimeout(() => void this.startLeases(Math.min(wait * 2, 30_000)), wait);
      this.startTimer.unref();
    }
  }

  private ruleIds(): string[] {
    return (this.d.engine.rules?.rules ?? []).filter((r) => r.enabled).map((r) => r.id);
  }

  private checkRules(): void {
    if (this.d.engine.rules === this.rulesSeen) return;
    this.rulesSeen = this.d.engine.rules;
    this.leases.setRules(this.ruleIds());
    this.warnTimeouts();
  }

  private warnTimeouts(): void {
    for (const [name, n] of Object.entries(this.d.engine.rules?.notifiers ?? {})) {
      const timeout = (n as { timeout_ms?: unknown }).timeout_ms;
      const problem = typeof timeout === 'number' ? notifierTimeoutProblem(this.d.cfg.leases.lease_ms, name, timeout) : null;
      if (problem) this.d.log.warn({ notifier: name }, problem);
    }
  }

  private selectedDefs(): RuleDef[] {
    const rules = this.d.engine.rules;
    const wanted = this.d.engine.ownership?.wanted() ?? [];
    const key = wanted.join('\n');
    if (this.selected.rules !== rules || this.selected.key !== key) {
      const ids = new Set(wanted);
      this.selected = { rules, key, defs: (rules?.rules ?? NO_RULES).filter((r) => ids.has(r.id)) };
    }
    return this.selected.defs;
  }
}
