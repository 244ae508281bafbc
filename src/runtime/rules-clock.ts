/**
 * The rules' wall clock in the daemon. Once a second its gauges are published and, in a daemon that
 * reads only files (and Windows channels), the engine is told the time, so that a flatline fires on
 * silence and alerts resolve when no events come (the idle rule of `RulesEngine.tick`). Inputs reading
 * a shared store (the Elasticsearch input of a fleet runner) `follow` it instead: the engine is told
 * the oldest of their reported progress (`RulesEngine.progressTo`), in this process's wall-clock time,
 * and nothing while one of them has reported none (Elasticsearch down at start: no host looks dead).
 */
import type { Metrics } from '../core/metrics';
import type { InputClock } from '../core/contracts/input-clock';
import type { RulesEngine } from '../../rules';

export class RulesClock implements InputClock {
  private timer: NodeJS.Timeout | null = null;
  /** the engine's count of forgotten terms at the last tick (it drops when a rule is replaced) */
  private termsForgotten = 0;
  /** per followed input, the wall-clock instant up to which it has passed on every event (−Infinity: none yet) */
  private readonly followed = new Map<string, number>();
  /** the event time last given to the engine from the inputs' progress */
  private readTo = -Infinity;

  constructor(private readonly rules: RulesEngine, private readonly metrics: Metrics) {}

  follow(input: string): void {
    if (!this.followed.has(input)) this.followed.set(input, -Infinity);
  }

  progress(input: string, atMs: number): void {
    const prev = this.followed.get(input);
    if (prev === undefined || !(atMs > prev)) return;
    this.followed.set(input, atMs);
    let oldest = Infinity;
    for (const t of this.followed.values()) oldest = Math.min(oldest, t);
    if (oldest > this.readTo && Number.isFinite(oldest)) {
      this.readTo = oldest;
      this.rules.progressTo(oldest);
    }
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** one second's work (the timer's; tests call it): the idle rule unless inputs drive the time, and the gauges */
  tick(): void {
    if (this.followed.size === 0) this.rules.tick();
    const c = this.rules.counts();
    this.metrics.rulesLateEvents.set(c.late);
    this.metrics.rulesGroupsDropped.set(c.groupsDropped);
    this.metrics.rulesGroups.set(c.groups);
    if (c.termsForgotten > this.termsForgotten) this.metrics.rulesTermsForgotten.inc(c.termsForgotten - this.termsForgotten);
    this.termsForgotten = c.termsForgotten;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
