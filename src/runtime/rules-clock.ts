/**
 * The rules' wall clock in the daemon: once a second the engine is told the time (so a flatline
 * fires on silence and alerts resolve when no events come) and its gauges are published.
 */
import type { Metrics } from '../core/metrics';
import type { RulesEngine } from '../../rules';

export class RulesClock {
  private timer: NodeJS.Timeout | null = null;
  /** the engine's count of forgotten terms at the last tick (it drops when a rule is replaced) */
  private termsForgotten = 0;

  constructor(private readonly rules: RulesEngine, private readonly metrics: Metrics) {}

  start(): void {
    this.timer = setInterval(() => {
      this.rules.tick();
      const c = this.rules.counts();
      this.metrics.rulesLateEvents.set(c.late);
      this.metrics.rulesGroupsDropped.set(c.groupsDropped);
      this.metrics.rulesGroups.set(c.groups);
      if (c.termsForgotten > this.termsForgotten) this.metrics.rulesTermsForgotten.inc(c.termsForgotten - this.termsForgotten);
      this.termsForgotten = c.termsForgotten;
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
