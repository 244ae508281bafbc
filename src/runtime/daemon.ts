import { hostname } from 'node:os';
import { join } from 'node:path';
import type { VigilConfig } from './config/types';
import { formatProblem } from './config/types';
import { EMBEDDED_SOURCE } from './config/load';
import { CheckpointRegistry } from '../core/checkpoints/registry';
import { REGISTRY_SECTIONS } from './registry-sections';
import { AckTracker } from '../core/checkpoints/ack-tracker';
import { Pipeline } from './pipeline';
import type { CollectorDeps } from '../core/contracts/collector-deps';
import { Metrics } from '../core/metrics';
import type { Logger } from '../core/log';
import type { EventSink } from '../core/contracts/event-sink';
import type { Collector } from '../core/contracts/collector';
import { createCollector, createSinks } from './components';
import { RulesEngine, SilenceStore, fleetSelection } from '../../rules';
import { AlertOutbox } from '../../sinks/notify/outbox/alert-outbox';
import { OutboxDispatcher } from '../../sinks/notify/outbox/dispatcher';
import { Deliveries } from '../../sinks/notify/outbox/deliveries';
import { Scheduler } from './scheduler';
import { outboxRetentionJob } from './outbox-retention-job';
import { AlertRouter } from './alert-router';
import { AlertHistoryWriter } from '../../sinks/elasticsearch/alerts/alert-history-writer';
import { createClient } from '../../sinks/elasticsearch/client';
import { RulesWatcher } from './rules-watcher';
import { RulesClock } from './rules-clock';
import { CheckpointCommitter } from './checkpoint-committer';
import { tuneHeapGrowth } from './heap-growth';
import { turnOffPretenuring } from './pretenuring';
import { DaemonStatus } from './status';
import { FleetRunner } from './fleet-runner/fleet-runner';
import type { EsInputConfig } from '../../collectors/elasticsearch/config';
import type { ControlTarget, ComponentHealth, SilenceRecord } from '../control/control-target';

export interface DaemonOptions {
  log: Logger;
  metrics?: Metrics;
  /** replaces the configured sinks (benchmarks: sinks/null-sink.ts) */
  sinks?: EventSink[];
}

/**
 * The running pipeline: collectors → rules → sinks, and the checkpoints between them. The daemon
 * assembles the parts from the config (components.ts makes the collectors and sinks), starts them
 * and stops them in order; the control API sees it through ControlTarget.
 */
/** the rule list of a daemon without rules loaded (one object, so its selection is computed once) */
const NO_RULES: Parameters<typeof fleetSelection>[0] = [];

export class Daemon implements ControlTarget {
  readonly metrics: Metrics;
  readonly registry: CheckpointRegistry;
  readonly tracker: AckTracker;
  readonly pipeline: Pipeline;
  readonly rules: RulesEngine;
  readonly sinks: EventSink[];
  readonly collectors: Collector[];
  readonly silences: SilenceStore;
  readonly outbox: AlertOutbox;
  readonly dispatcher: OutboxDispatcher;
  readonly startedAt = new Date();
  private readonly scheduler: Scheduler;
  private readonly alerts: AlertRouter;
  /** `elasticsearch.alerts_data_stream`: the alert changes written to Elasticsearch too */
  private readonly history?: AlertHistoryWriter;
  /** `fleet`: this process is a fleet runner (leases, takeovers, the alert history as its outbox) */
  readonly fleet?: FleetRunner;
  private readonly rulesWatcher: RulesWatcher;
  private readonly rulesClock: RulesClock;
  private readonly committer: CheckpointCommitter;
  private readonly report: DaemonStatus;
  private stopping: Promise<void> | null = null;
  private log: Logger;

  constructor(readonly cfg: VigilConfig, opts: DaemonOptions) {
    this.log = opts.log;
    this.metrics = opts.metrics ?? new Metrics({ processMetrics: true });
    this.registry = new CheckpointRegistry(cfg.state_dir, REGISTRY_SECTIONS);
    this.registry.load();
    this.tracker = new AckTracker(this.registry);
    this.committer = new CheckpointCommitter(this.registry, cfg.pipeline.checkpoint_interval_ms, this.log, this.metrics);
    this.silences = new SilenceStore(join(cfg.state_dir, 'silences.json'));
    this.outbox = new AlertOutbox(cfg.outbox_dir);
    // notifications go out as the rules define their notifiers now (an edit of rules.yaml applies to queued ones)
    const deliveries = new Deliveries({
      smtp: cfg.smtp,
      kibanaUrl: cfg.kibana_url,
      outboxDir: cfg.outbox_dir,
      // SPEC 5: the embedded default writes webhook bodies as files; a vigil.yaml means the network is meant
      webhooks: cfg.source === EMBEDDED_SOURCE ? 'file' : 'http',
    }, () => this.rules.rules?.notifiers);
    this.dispatcher = new OutboxDispatcher({ outbox: this.outbox, deliveryFor: (n) => deliveries.for(n), log: this.log, metrics: this.metrics });
    this.scheduler = new Scheduler(this.log, this.metrics);
    this.scheduler.add(outboxRetentionJob(cfg.outbox_dir, cfg.outbox_keep_days, this.log));
    // a fleet runner's alert history is its outbox (the FleetRunner's); an agent's stands beside the outbox
    if (cfg.elasticsearch?.alerts_data_stream && !cfg.fleet) {
      this.history = new AlertHistoryWriter({
        client: createClient(cfg.elasticsearch), observer: cfg.host_name ?? hostname(), deliveries: false,
        spoolDir: join(cfg.state_dir, 'alerts-es'), log: this.log, metrics: this.metrics,
      });
    }
    this.alerts = new AlertRouter({
      history: this.history,
      silences: this.silences,
      outbox: this.outbox,
      groupWindowMs: (rule) => this.rules.rules?.rules.find((r) => r.id === rule)?.group_window_ms,
      log: this.log,
      metrics: this.metrics,
      ...(cfg.fleet ? { fleet: { fence: (rule: string) => this.fleet!.fence(rule), history: { record: (alert, opts) => this.fleet!.history.record(alert, opts) } } } : {}),
    });
    this.rules = new RulesEngine(this.log, { live: true, fleet: cfg.fleet !== undefined, onAlerts: (changes) => this.alerts.route(changes) });
    // the rules' windows and alerts are committed with the sources' positions (one registry file)
    this.rules.restore(this.registry.savedState('rules'));
    this.registry.provideState('rules', () => this.rules.snapshot());
    this.rulesWatcher = new RulesWatcher(cfg.rules, this.rules, this.log, this.metrics);
    this.rulesClock = new RulesClock(this.rules, this.metrics);
    this.sinks = opts.sinks ?? createSinks(cfg, { stateDir: cfg.state_dir, registry: this.registry, log: this.log, metrics: this.metrics });
    this.pipeline = new Pipeline({
      tracker: this.tracker,
      rules: this.rules,
      sinks: this.sinks,
      log: this.log,
      metrics: this.metrics,
      maxInflightEvents: cfg.pipeline.max_inflight_events,
      batchSize: cfg.pipeline.batch_size,
      flushIntervalMs: cfg.pipeline.flush_interval_ms,
    });
    // what every collector is given: the checkpoints, the pipeline's entry and its backpressure
    const deps: CollectorDeps = {
      registry: this.registry,
      tracker: this.tracker,
      submit: (span) => this.pipeline.submit(span),
      isFull: () => this.pipeline.full,
      caughtUp: () => this.pipeline.caughtUp(),
      log: this.log,
      metrics: this.metrics,
      hostName: cfg.host_name ?? hostname(),
      // inputs reading a shared store fetch only what the loaded rules can match and read
      // (a fleet runner's: only the rules it owns)
      selection: (filter) => (this.fleet ? this.fleet.selection(filter) : fleetSelection(this.rules.rules?.rules ?? NO_RULES, filter)),
      // and drive the rules' event time by their progress in wall-clock time
      clock: this.rulesClock,
    };
    if (cfg.fleet) this.fleet = this.makeFleetRunner(cfg, deliveries);
    this.collectors = cfg.inputs.map((input) => createCollector(input, deps));
    this.report = new DaemonStatus({
      cfg, startedAt: this.startedAt, collectors: this.collectors, sinks: this.sinks, pipeline: this.pipeline,
      rules: this.rules, dispatcher: this.dispatcher, history: this.history, fleet: this.fleet, silences: this.silences, registry: this.registry,
      commitError: () => this.committer.error, paused: () => this.paused,
    });
  }

  async start(): Promise<void> {
    tuneHeapGrowth(this.cfg);
    turnOffPretenuring();
    try {
      this.rules.load(this.cfg.rules); // restores the checkpointed windows of the rules it loads
    } catch (err) {
      throw new Error(`${this.registry.path}: state.rules: ${(err as Error).message} ` +
        '(remove "rules" from its "state" to start the rules\' windows empty)');
    }
    this.rulesWatcher.start();
    this.fleet?.start();
    // entries left pending by the last run (a crash, a receiver that was down) go out first
    this.dispatcher.start();
    this.history?.start();
    this.scheduler.start();
    this.rulesClock.start();
    for (const s of this.sinks) await s.start();
    for (const c of this.collectors) c.start();
    this.committer.start();
    this.log.info({
      inputs: this.cfg.inputs.map((i) => ({ id: i.id, type: i.type, paths: 'paths' in i ? i.paths : undefined })),
      sinks: this.sinks.map((s) => s.name),
      state_dir: this.cfg.state_dir,
      config: this.cfg.source,
    }, 'vigil started');
  }

  /** Stops reading, delivers what was read (at most `drainMs`), commits the checkpoints, closes the sinks. */
  stop(drainMs = 8000): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop(drainMs);
    return this.stopping;
  }

  private async doStop(drainMs: number): Promise<void> {
    // a fleet runner stops acting on its rules first and releases them to the other runners
    const fleetStopped = this.fleet?.stop().catch((err) => this.log.warn({ err: (err as Error).message }, 'fleet: stopping failed'));
    // sends in flight may finish meanwhile; none starts; what is left stays pending for the next start
    const sending = this.dispatcher.stop(Math.min(5000, drainMs));
    const jobs = this.scheduler.stop();
    this.committer.stop();
    this.rulesClock.stop();
    this.rulesWatcher.stop();
    const t0 = Date.now();
    await Promise.all(this.collectors.map((c) => c.stop()));
    const drained = await this.pipeline.drain(Math.max(500, drainMs - (Date.now() - t0)));
    if (!drained) this.log.warn({ inflight: this.pipeline.inflightEvents }, 'stopped before the sinks took everything; it will be read again at the next start');
    await this.committer.commit();
    for (const s of this.sinks) await s.stop().catch((err) => this.log.warn({ sink: s.name, err: (err as Error).message }, 'sink stop failed'));
    await sending;
    await jobs;
    // changes still waiting stay in their spool files for the next start
    if (this.history && !(await this.history.drained(Math.min(2000, drainMs)))) this.log.warn({ waiting: this.history.waiting }, 'alert changes not yet in Elasticsearch; they are written at the next start');
    await this.history?.stop();
    await fleetStopped;
    this.log.info({ ms: Date.now() - t0 }, 'vigil stopped');
  }

  private makeFleetRunner(cfg: VigilConfig, deliveries: Deliveries): FleetRunner {
    const fleet = cfg.fleet!;
    const input = cfg.inputs.find((i) => i.id === fleet.input && i.type === 'elasticsearch') as EsInputConfig | undefined;
    if (!input) throw new Error(`fleet.input: no elasticsearch input "${fleet.input}"`);
    return new FleetRunner({
      cfg: fleet, input, engine: this.rules, stateDir: cfg.state_dir, deliveryFor: (n) => deliveries.for(n), log: this.log, metrics: this.metrics,
      inputStatus: () => {
        const c = this.collectors.find((x) => x.id === input.id);
        const st = (c?.status() ?? {}) as { polls?: number; lag_seconds?: number | null; events_per_s?: number; events_read?: number };
        return { polls: st.polls ?? 0, lag_seconds: st.lag_seconds ?? null, events_per_s: st.events_per_s ?? 0, events_read: st.events_read ?? 0 };
      },
    });
  }

  // ---- the control API's view of the daemon (src/control/control-target.ts) ----

  health(): ComponentHealth[] {
    return this.report.health();
  }

  status(): Record<string, unknown> {
    return this.report.status();
  }

  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  get metricsContentType(): string {
    return this.metrics.registry.contentType;
  }

  async reload(): Promise<{ ok: boolean; problems: string[] }> {
    const ok = this.rules.load(this.cfg.rules);
    return { ok, problems: this.rules.problems.map(formatProblem) };
  }

  get paused(): boolean {
    return this.collectors.length > 0 && this.collectors.every((c) => c.paused);
  }

  pause(): void {
    for (const c of this.collectors) c.paused = true;
    this.log.info('inputs paused');
  }

  resume(): void {
    for (const c of this.collectors) c.paused = false;
    this.log.info('inputs resumed');
  }

  addSilence(s: { rule: string; group?: Record<string, string>; forMs: number; comment?: string }): SilenceRecord {
    const known = this.rules.rules?.rules.some((r) => r.id === s.rule) ?? false;
    if (!known) throw new Error(`unknown rule "${s.rule}" (rules loaded from ${this.cfg.rules})`);
    const rec = this.silences.add(s.rule, s.forMs, s.group, s.comment);
    this.log.info({ rule: s.rule, group: s.group, until: rec.until }, 'silence added');
    return rec;
  }

  removeSilence(id: string): boolean {
    return this.silences.remove(id);
  }

  listSilences(): SilenceRecord[] {
    return this.silences.list();
  }
}
