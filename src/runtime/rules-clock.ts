/**
 * The rules' wall clock in the daemon: once a second the engine is told the time (so a flatline
 * fires on silence and alerts resolve when no events come) and its gauges are published.
 */
import type { Metrics } from '../core/metrics';
import type { RulesEngine } from '../../rules';

export class RulesClock {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly rules: RulesEngine, private readonly metrics: Metrics) {}

  start(): void {
    this.timer = setInterval(() => {
      this.rules.tick();
      const c = this.rules.counts();
      this.metrics.rulesLateEvents.set(c.late);
      this.metrics.rulesGroupsDropped.set(c.groupsDropped);
      this.metrics.rulesGroups.set(c.groups);
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
