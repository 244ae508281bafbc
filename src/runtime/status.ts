/**
 * What the control API reports of the running daemon: /health (each component ok or not, with why)
 * and /status (the details of every part). Read from the parts the daemon assembled; it changes none.
 */
import type { VigilConfig } from './config/types';
import { formatProblem } from './config/types';
import type { Pipeline } from './pipeline';
import type { CheckpointRegistry } from '../core/checkpoints/registry';
import type { Collector } from '../core/contracts/collector';
import type { EventSink } from '../core/contracts/event-sink';
import { VIGIL_VERSION } from '../core/version';
import type { FiringAlert, RuleActivity, RulesEngine, SilenceStore } from '../../rules';
import type { OutboxDispatcher } from '../../sinks/notify/outbox/dispatcher';
import type { ComponentHealth } from '../control/control-target';

/** The daemon's parts a report reads. */
export interface StatusSources {
  cfg: VigilConfig;
  startedAt: Date;
  collectors: Collector[];
  sinks: EventSink[];
  pipeline: Pipeline;
  rules: RulesEngine;
  dispatcher: OutboxDispatcher;
  /** the alert history in Elasticsearch, when switched on */
  history?: { status(): Record<string, unknown> };
  /** a fleet runner's leases, owned rules, takeovers, input lag and deliveries */
  fleet?: { status(): Record<string, unknown>; health(): { ok: boolean; detail?: string } };
  silences: SilenceStore;
  registry: CheckpointRegistry;
  /** why the last checkpoint commit failed, while it does */
  commitError: () => string | null;
  /** every input paused */
  paused: () => boolean;
}

export class DaemonStatus {
  constructor(private readonly s: StatusSources) {}

  /** Every input, sink and notifier, the checkpoints while they cannot be committed, and the rules. */
  health(): ComponentHealth[] {
    const { collectors, sinks, dispatcher, rules, cfg } = this.s;
    const out: ComponentHealth[] = [];
    for (const c of collectors) {
      const st = c.status();
      out.push({ name: `input:${c.id}`, ok: true, ...(st.last_error ? { detail: `last problem: ${st.last_error}` } : {}) });
    }
    for (const s of sinks) {
      const h = s.health();
      out.push({ name: `sink:${s.name}`, ok: h.ok, ...(h.detail ? { detail: h.detail } : {}) });
    }
    // a notifier that cannot deliver: alerts are not reaching anybody
    for (const n of dispatcher.health()) out.push({ name: `notifier:${n.name}`, ok: n.ok, detail: n.detail });
    if (this.s.fleet) out.push({ name: 'fleet', ...this.s.fleet.health() });
    const commitError = this.s.commitError();
    if (commitError) out.push({ name: 'checkpoints', ok: false, detail: commitError });
    const rulesOk = rules.problems.length === 0 || rules.rules !== null;
    out.push({ name: 'rules', ok: rulesOk, detail: rules.problems.length ? `${rules.problems.length} problem(s) in ${cfg.rules}` : `${rules.rules?.rules.length ?? 0} rules` });
    return out;
  }

  /**
   * The alerts firing now (oldest first), each with whether a silence holds back its notifications,
   * and per running rule the events it matched and the alerts it fired and resolved since it was loaded.
   */
  alerts(): { firing: Array<FiringAlert & { silenced: boolean }>; rules: Array<Omit<RuleActivity, 'firing'> & { firing: number }> } {
    const { rules, silences } = this.s;
    const activity = rules.activity();
    const firing = activity.flatMap((r) => r.firing.map((a) => ({ ...a, silenced: silences.isSilenced(a.rule, a.group) })));
    firing.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
    return { firing, rules: activity.map(({ firing: f, ...r }) => ({ ...r, firing: f.length })) };
  }

  status(): Record<string, unknown> {
    const { cfg, collectors, sinks, pipeline, rules, dispatcher, silences, registry } = this.s;
    return {
      version: VIGIL_VERSION,
      started: this.s.startedAt.toISOString(),
      config: cfg.source,
      paused: this.s.paused(),
      memory: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)])),
      inputs: collectors.map((c) => c.status()),
      pipeline: { inflight_events: pipeline.inflightEvents, max_inflight_events: cfg.pipeline.max_inflight_events },
      sinks: pipeline.sinkStatus().map((s, i) => {
        const sink = sinks[i] as EventSink & { status?: () => Record<string, unknown> };
        return { ...s, ...(sink.status ? sink.status() : {}) };
      }),
      rules: {
        file: cfg.rules,
        loaded: rules.rules?.rules.map((r) => ({ id: r.id, type: r.type, severity: r.severity })) ?? [],
        problems: rules.problems.map(formatProblem),
        evaluated_events: rules.evaluated,
        engine: rules.status(),
      },
      alerts: this.alerts(),
      outbox: dispatcher.status(),
      ...(this.s.history ? { alert_history: this.s.history.status() } : {}),
      ...(this.s.fleet ? { fleet: this.s.fleet.status() } : {}),
      // /health shows names only (it needs no token); the details are here
      components: this.health(),
      silences: silences.list(),
      checkpoints: { file: registry.path, commits: registry.commits },
    };
  }
}
