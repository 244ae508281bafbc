import { Counter, Histogram, type Registry } from 'prom-client';

/** The metrics of a fleet runner's takeovers (window re-reads), registered once per registry. */
export interface TakeoverMetrics {
  takeovers: Counter<'outcome'>;
  events: Counter;
  seconds: Histogram;
  duplicates: Counter;
  dropped: Counter;
}

export function takeoverMetrics(reg: Registry): TakeoverMetrics {
  const get = <M>(name: string, make: () => M): M => (reg.getSingleMetric(name) as M | undefined) ?? make();
  return {
    takeovers: get('vigil_fleet_takeovers_total', () => new Counter({
      name: 'vigil_fleet_takeovers_total',
      help: 'Rules this runner took over, by outcome: done (windows re-read), retried (the re-read failed and is tried again), abandoned (the lease ended first)',
      labelNames: ['outcome'] as const, registers: [reg],
    })),
    events: get('vigil_fleet_takeover_events_total', () => new Counter({ name: 'vigil_fleet_takeover_events_total', help: 'Events re-read from Elasticsearch to rebuild taken-over rules\' windows', registers: [reg] })),
    seconds: get('vigil_fleet_takeover_seconds', () => new Histogram({ name: 'vigil_fleet_takeover_seconds', help: 'Time from acquiring a rule to evaluating it (its windows re-read)', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [reg] })),
    dropped: get('vigil_fleet_takeover_events_dropped_total', () => new Counter({ name: 'vigil_fleet_takeover_events_dropped_total', help: 'Events that came while a rule was being taken over, beyond what it keeps aside: not counted by the rule (also in /status)', registers: [reg] })),
    duplicates: get('vigil_fleet_takeover_duplicates_total', () => new Counter({ name: 'vigil_fleet_takeover_duplicates_total', help: 'Events the input brought that a takeover\'s re-read had counted already (passed by)', registers: [reg] })),
  };
}
