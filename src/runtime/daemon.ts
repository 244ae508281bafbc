import { hostname } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { watch, existsSync, type FSWatcher } from 'node:fs';
import type { VigilConfig } from './config/types';
import { CheckpointRegistry } from '../core/checkpoints/registry';
import { REGISTRY_SECTIONS } from './registry-sections';
import { AckTracker } from '../core/checkpoints/ack-tracker';
import { Pipeline } from './pipeline';
import type { CollectorDeps } from '../core/contracts/collector-deps';
import { Metrics } from '../core/metrics';
import type { Logger } from '../core/log';
import type { EventSink } from '../core/contracts/event-sink';
import { EventStoreSink } from '../../sinks/event-store/event-store-sink';
import { VIGIL_VERSION } from '../core/version';
import type { Collector } from '../core/contracts/collector';
import { createCollector } from './inputs';
import { RulesEngine, SilenceStore, type AlertChange } from '../../rules';
import { AlertOutbox } from '../../sinks/notify/outbox/alert-outbox';
import { OutboxDispatcher } from '../../sinks/notify/outbox/dispatcher';
import { Deliveries } from '../../sinks/notify/outbox/deliveries';
import { pruneOutbox } from '../../sinks/notify/outbox/outbox-retention';
import { Scheduler } from './scheduler';
import { formatProblem } from './config/types';
import { EMBEDDED_SOURCE } from './config/load';
import { writeFailureDetail } from '../core/fs/disk-full';
import type { ControlTarget, ComponentHealth, SilenceRecord } from '../control/control-target';

export interface DaemonOptions {
  log: Logger;
  metrics?: Metrics;
  /** replaces the configured sinks (benchmarks) */
  sinks?: EventSink[];
}

/** Days the outbox keeps its records of finished notifications when vigil.yaml does not say (outbox_keep_days). */
const OUTBOX_KEEP_DAYS = 30;

/** The running pipeline: collectors → rules → sinks, and the checkpoints between them. */
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
  private readonly scheduler: Scheduler;
  private ruleTimer: NodeJS.Timeout | null = null;
  private rulesWatcher: FSWatcher | null = null;
  readonly startedAt = new Date();
  private commitTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private log: Logger;
  /** why the last checkpoint commit failed (a full disk), until one works again */
  private commitError: string | null = null;

  constructor(readonly cfg: VigilConfig, opts: DaemonOptions) {
    this.log = opts.log;
    this.metrics = opts.metrics ?? new Metrics({ processMetrics: true });
    this.registry = new CheckpointRegistry(cfg.state_dir, REGISTRY_SECTIONS);
    this.registry.load();
    this.tracker = new AckTracker(this.registry);
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
    const keepDays = cfg.outbox_keep_days ?? OUTBOX_KEEP_DAYS;
    this.scheduler.add({
      name: 'outbox-retention', schedule: '23 * * * *', atStart: true,
      run: async () => {
        const gone = await pruneOutbox(cfg.outbox_dir, keepDays);
        if (gone.sent + gone.failed + gone.files > 0) this.log.info({ ...gone, keep_days: keepDays }, 'outbox: removed the records of notifications older than outbox_keep_days');
      },
    });
    this.rules = new RulesEngine(this.log, { live: true, onAlerts: (changes) => this.onAlerts(changes) });
    // the rules' windows and alerts are committed with the sources' positions (one registry file)
    this.rules.restore(this.registry.savedState('rules'));
    this.registry.provideState('rules', () => this.rules.snapshot());
    this.sinks = opts.sinks ?? this.configuredSinks();
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
      log: this.log,
      metrics: this.metrics,
      hostName: cfg.host_name ?? hostname(),
    };
    this.collectors = cfg.inputs.map((input) => createCollector(input, deps));
  }

  private configuredSinks(): EventSink[] {
    if (this.cfg.elasticsearch) {
      // loaded only when configured: the client is a large module
      const { ElasticsearchSink } = require('../../sinks/elasticsearch/elasticsearch-sink') as typeof import('../../sinks/elasticsearch/elasticsearch-sink');
      return [new ElasticsearchSink({
        cfg: this.cfg.elasticsearch,
        stateDir: this.cfg.state_dir,
        log: this.log,
        metrics: this.metrics,
        vigilVersion: VIGIL_VERSION,
      })];
    }
    return [new EventStoreSink({
      dir: this.cfg.event_store.dir,
      keepDays: this.cfg.event_store.keep_days ?? 7,
      registry: this.registry,
      log: this.log,
      metrics: this.metrics,
    })];
  }

  /** Alerts that fired or resolved: the ones to send go to the outbox, unless silenced (detection goes on). */
  private onAlerts(changes: AlertChange[]): void {
    for (const c of changes) {
      const a = c.alert;
      this.metrics.alerts.inc({ rule: a.rule, state: a.state, outcome: !c.send ? 'realert' : this.silences.isSilenced(a.rule, a.group) ? 'silenced' : 'queued' });
      if (!c.send || this.silences.isSilenced(a.rule, a.group)) continue;
      try {
        // group_window (SPEC 3.4) travels with the entry: the dispatcher bundles by it even after a reload
        const groupWindowMs = this.rules.rules?.rules.find((r) => r.id === a.rule)?.group_window_ms;
        const added = this.outbox.add(a, a.notify, { groupWindowMs });
        if (added.length > 0) {
          this.log.info({ rule: a.rule, state: a.state, group: a.group, count: a.count, id: a.id, notifiers: added.map((e) => e.notifier) }, `alert ${a.state}`);
          this.dispatcher.kick();
        }
      } catch (err) {
        this.log.error({ rule: a.rule, id: a.id, err: (err as Error).message, dir: this.outbox.dir }, 'could not write an alert to the outbox');
      }
    }
  }

  /** rules.yaml is watched: a valid edit swaps in, an invalid one is reported and the running rules stay. */
  private watchRules(): void {
    const file = this.cfg.rules;
    let timer: NodeJS.Timeout | null = null;
    try {
      this.rulesWatcher = watch(dirname(file), (_event, name) => {
        if (name && name !== basename(file)) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          if (!existsSync(file)) return; // an editor's save-by-rename: the new file comes next
          const before = this.rules.rules?.rules.map((r) => r.fingerprint).join() ?? '';
          if (this.rules.load(file)) {
            const after = this.rules.rules?.rules.map((r) => r.fingerprint).join() ?? '';
            if (after !== before) this.metrics.rulesReloads.inc({ outcome: 'ok' });
          } else {
            this.metrics.rulesReloads.inc({ outcome: 'error' });
          }
        }, 200);
      });
      this.rulesWatcher.on('error', (err) => this.log.warn({ file, err: err.message }, 'watching the rules file failed; use `vigil ctl reload`'));
    } catch (err) {
      this.log.warn({ file, err: (err as Error).message }, 'cannot watch the rules file; use `vigil ctl reload` after an edit');
    }
  }

  async start(): Promise<void> {
    try {
      this.rules.load(this.cfg.rules); // restores the checkpointed windows of the rules it loads
    } catch (err) {
      throw new Error(`${this.registry.path}: state.rules: ${(err as Error).message} ` +
        '(remove "rules" from its "state" to start the rules\' windows empty)');
    }
    this.watchRules();
    // entries left pending by the last run (a crash, a receiver that was down) go out first
    this.dispatcher.start();
    this.scheduler.start();
    this.ruleTimer = setInterval(() => {
      this.rules.tick();
      const c = this.rules.counts();
      this.metrics.rulesLateEvents.set(c.late);
      this.metrics.rulesGroupsDropped.set(c.groupsDropped);
      this.metrics.rulesGroups.set(c.groups);
    }, 1000);
    this.ruleTimer.unref();
    for (const s of this.sinks) await s.start();
    for (const c of this.collectors) c.start();
    const every = this.cfg.pipeline.checkpoint_interval_ms;
    const tick = () => {
      this.commit().finally(() => { if (!this.stopping) this.commitTimer = setTimeout(tick, every); });
    };
    this.commitTimer = setTimeout(tick, every);
    this.log.info({
      inputs: this.cfg.inputs.map((i) => ({ id: i.id, type: i.type, paths: 'paths' in i ? i.paths : undefined })),
      sinks: this.sinks.map((s) => s.name),
      state_dir: this.cfg.state_dir,
      config: this.cfg.source,
    }, 'vigil started');
  }

  private async commit(): Promise<void> {
    try {
      const before = this.registry.commits;
      await this.registry.commit();
      if (this.registry.commits > before) this.metrics.checkpointCommits.inc();
      if (this.commitError) this.log.info({ path: this.registry.path }, 'checkpoint commits work again');
      this.commitError = null;
    } catch (err) {
      const detail = writeFailureDetail(err, 'the checkpoints', dirname(this.registry.path));
      if (detail !== this.commitError) this.log.error({ err: (err as Error).message, path: this.registry.path }, 'checkpoint commit failed; will retry');
      this.commitError = detail;
    }
  }

  // ---- the control API's view of the daemon (src/control/control-target.ts) ----

  health(): ComponentHealth[] {
    const out: ComponentHealth[] = [];
    for (const c of this.collectors) {
      const st = c.status();
      out.push({ name: `input:${c.id}`, ok: true, ...(st.last_error ? { detail: `last problem: ${st.last_error}` } : {}) });
    }
    for (const s of this.sinks) {
      const h = s.health();
      out.push({ name: `sink:${s.name}`, ok: h.ok, ...(h.detail ? { detail: h.detail } : {}) });
    }
    // a notifier that cannot deliver: alerts are not reaching anybody
    for (const n of this.dispatcher.health()) out.push({ name: `notifier:${n.name}`, ok: n.ok, detail: n.detail });
    if (this.commitError) out.push({ name: 'checkpoints', ok: false, detail: this.commitError });
    const rulesOk = this.rules.problems.length === 0 || this.rules.rules !== null;
    out.push({ name: 'rules', ok: rulesOk, detail: this.rules.problems.length ? `${this.rules.problems.length} problem(s) in ${this.cfg.rules}` : `${this.rules.rules?.rules.length ?? 0} rules` });
    return out;
  }

  status(): Record<string, unknown> {
    return {
      version: VIGIL_VERSION,
      started: this.startedAt.toISOString(),
      config: this.cfg.source,
      paused: this.paused,
      memory: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)])),
      inputs: this.collectors.map((c) => c.status()),
      pipeline: { inflight_events: this.pipeline.inflightEvents, max_inflight_events: this.cfg.pipeline.max_inflight_events },
      sinks: this.pipeline.sinkStatus().map((s, i) => {
        const sink = this.sinks[i] as EventSink & { status?: () => Record<string, unknown> };
        return { ...s, ...(sink.status ? sink.status() : {}) };
      }),
      rules: {
        file: this.cfg.rules,
        loaded: this.rules.rules?.rules.map((r) => ({ id: r.id, type: r.type, severity: r.severity })) ?? [],
        problems: this.rules.problems.map(formatProblem),
        evaluated_events: this.rules.evaluated,
        engine: this.rules.status(),
      },
      outbox: this.dispatcher.status(),
      // /health shows names only (it needs no token); the details are here
      components: this.health(),
      silences: this.silences.list(),
      checkpoints: { file: this.registry.path, commits: this.registry.commits },
    };
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

  /** Stops reading, delivers what was read (at most `drainMs`), commits the checkpoints, closes the sinks. */
  stop(drainMs = 8000): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop(drainMs);
    return this.stopping;
  }

  private async doStop(drainMs: number): Promise<void> {
    // sends in flight may finish meanwhile; none starts; what is left stays pending for the next start
    const sending = this.dispatcher.stop(Math.min(5000, drainMs));
    const jobs = this.scheduler.stop();
    if (this.commitTimer) clearTimeout(this.commitTimer);
    if (this.ruleTimer) clearInterval(this.ruleTimer);
    this.rulesWatcher?.close();
    const t0 = Date.now();
    await Promise.all(this.collectors.map((c) => c.stop()));
    const drained = await this.pipeline.drain(Math.max(500, drainMs - (Date.now() - t0)));
    if (!drained) this.log.warn({ inflight: this.pipeline.inflightEvents }, 'stopped before the sinks took everything; it will be read again at the next start');
    await this.commit();
    for (const s of this.sinks) await s.stop().catch((err) => this.log.warn({ sink: s.name, err: (err as Error).message }, 'sink stop failed'));
    await sending;
    await jobs;
    this.log.info({ ms: Date.now() - t0 }, 'vigil stopped');
  }
}

