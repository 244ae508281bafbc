import type { Alert } from '../../../rules';
import { ALERTS_DATA_STREAM } from './alerts-targets';

/** The document id of an alert change: the alert's deterministic id and its state (a resend is a 409). */
export function alertChangeId(alert: Pick<Alert, 'id' | 'state'>): string {
  return `${alert.id}-${alert.state}`;
}

export interface AlertDocumentContext {
  /** the writer's own host (an agent's host.name, a fleet runner's name) */
  observer: string;
  /** the notifiers the change is delivered to (none when silenced) */
  silenced?: boolean;
  /** false: a change kept in the history but not notified (realert, or a resolution without notify_resolved) */
  notified?: boolean;
  /** a fleet runner's fleet (`fleet.leases.fleet`): a takeover carries on only its own fleet's open alerts */
  fleet?: string;
}

/**
 * An alert change as a document of the alerts data stream, in ECS where ECS has a field (`host.name`
 * of the group or of the samples, `event.kind: alert`) and under `vigil.alert.*` otherwise, so that a
 * Kibana user finds it next to the events that caused it (the `query` finds those events).
 */
export function alertDocument(alert: Alert, ctx: AlertDocumentContext): Record<string, unknown> {
  const [, dataset, namespace] = /^logs-(.+)-([^-]+)$/.exec(ALERTS_DATA_STREAM)!;
  const at = alert.state === 'resolved' ? alert.resolved_at ?? alert.fired_at : alert.fired_at;
  const hostName = hostOf(alert) ?? ctx.observer;
  const groupValues = Object.entries(alert.group).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return {
    '@timestamp': at,
    message: `${alert.rule} ${alert.state}${groupValues.length ? ` for ${groupValues.join(', ')}` : ''}: ${alert.count} events`,
    event: { kind: 'alert', dataset },
    data_stream: { type: 'logs', dataset, namespace },
    host: { name: hostName },
    observer: { name: ctx.observer },
    tags: alert.tags,
    vigil: {
      alert: {
        id: alert.id,
        change_id: alertChangeId(alert),
        rule: alert.rule,
        ...(alert.description ? { description: alert.description } : {}),
        severity: alert.severity,
        state: alert.state,
        group_key: alert.groupKey,
        group: stringValues(alert.group),
        group_values: groupValues,
        count: alert.count,
        ...(alert.reference !== undefined ? { reference: alert.reference } : {}),
        ...(alert.value !== undefined ? { value: alert.value } : {}),
        window: alert.window,
        first_event: alert.first_event,
        last_event: alert.last_event,
        fired_at: alert.fired_at,
        ...(alert.resolved_at ? { resolved_at: alert.resolved_at } : {}),
        sample_event_ids: sampleIds(alert),
        samples: alert.samples,
        query: alert.query,
        notify: alert.notify,
        silenced: ctx.silenced === true,
        ...(ctx.fleet !== undefined ? { fleet: ctx.fleet } : {}),
        ...(ctx.notified === false ? { notified: false } : {}),
      },
    },
  };
}

/** host.name of the group, else the one host all samples share. */
function hostOf(alert: Alert): string | undefined {
  const g = alert.group['host.name'];
  if (typeof g === 'string') return g;
  const hosts = new Set(alert.samples.map((s) => s['host.name'] ?? (s.host as { name?: unknown } | undefined)?.name).filter((h) => typeof h === 'string'));
  return hosts.size === 1 ? [...hosts][0] as string : undefined;
}

/** The ids of the sample events, where the samples carry them (`_id` from Elasticsearch, `event.id`). */
function sampleIds(alert: Alert): string[] {
  const out: string[] = [];
  for (const s of alert.samples) {
    const id = s._id ?? s['event.id'] ?? (s.event as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') out.push(id);
  }
  return out;
}

function stringValues(group: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(group)) out[k.replace(/\./g, '_')] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}
