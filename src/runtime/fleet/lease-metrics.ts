import { Counter, Gauge, type Registry } from 'prom-client';

/** The lease manager's metrics, registered once per registry. */
export interface LeaseMetrics {
  ownedRules: Gauge;
  liveMembers: Gauge;
  changes: Counter<'change'>;
  roundErrors: Counter;
}

export function leaseMetrics(reg: Registry): LeaseMetrics {
  const get = <M>(name: string, make: () => M): M => (reg.getSingleMetric(name) as M | undefined) ?? make();
  return {
    ownedRules: get('vigil_fleet_owned_rules', () => new Gauge({ name: 'vigil_fleet_owned_rules', help: 'Fleet rules this runner owns (holds a valid lease on)', registers: [reg] })),
    liveMembers: get('vigil_fleet_live_members', () => new Gauge({ name: 'vigil_fleet_live_members', help: 'Fleet runners this runner counts as live (itself included)', registers: [reg] })),
    changes: get('vigil_fleet_lease_changes_total', () => new Counter({
      name: 'vigil_fleet_lease_changes_total',
      help: 'Lease changes of this runner: acquired, released (given up on purpose), lost (taken by another or expired before a renewal)',
      labelNames: ['change'] as const, registers: [reg],
    })),
    roundErrors: get('vigil_fleet_lease_round_errors_total', () => new Counter({ name: 'vigil_fleet_lease_round_errors_total', help: 'Lease rounds that failed to read or write Elasticsearch', registers: [reg] })),
  };
}
