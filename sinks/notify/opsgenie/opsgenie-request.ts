import type { Alert, OpsgenieNotifierDef } from '../../../rules';
import { groupLabel, summaryRows } from '../view/alert-summary';
import { alertHeadline, sampleLine } from '../view/alert-lines';
import type { AlertLink } from '../view/kibana-link';

/** Opsgenie's priorities, from Vigil's severities. */
const PRIORITY: Record<Alert['severity'], 'P1' | 'P2' | 'P3' | 'P4' | 'P5'> = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4', info: 'P5' };

/** The Alert API's limits (characters): message 130, entity 512, description 15,000, a tag 50 and 20 tags, details 8,000 in all. */
const LIMITS = { message: 130, entity: 512, description: 15_000, tag: 50, tags: 20, details: 8000 } as const;
const SAMPLES_SHOWN = 10;

/** A request of the Alert API: its path under the API base, and its JSON body. */
export interface OpsgenieRequest { path: string; body: Record<string, unknown> }

/**
 * The Opsgenie request of an alert (Alert API v2): a firing alert creates an Opsgenie alert whose
 * `alias` is the alert id (Opsgenie keeps one open alert per alias, so a repeat only counts up);
 * a resolved one closes the open alert with that alias. `message` is the headline; `description`
 * the rows, the Discover link and the samples as text; `details` the rows as fields; `entity` the
 * group; `priority` from the severity (critical P1 … info P5); tags "vigil", the rule's and the
 * notifier's.
 */
export function opsgenieRequest(def: OpsgenieNotifierDef, a: Alert, deliveryKey: string, link: AlertLink | undefined): OpsgenieRequest {
  if (a.state === 'resolved') {
    return {
      path: `/v2/alerts/${encodeURIComponent(a.id)}/close?identifierType=alias`,
      body: { source: 'Vigil', note: `Resolved at ${a.resolved_at ?? a.last_event} (event time): the condition was false for a whole window. Vigil delivery ${deliveryKey}` },
    };
  }
  const rows = summaryRows(a);
  const description = [
    ...rows.map((r) => `${r.label}: ${r.value}`),
    ...(link?.url ? ['', `Kibana Discover: ${link.url}`] : []),
    ...(link?.note ? ['', link.note] : []),
    ...(a.samples.length ? ['', 'Samples (newest last):', ...a.samples.slice(-SAMPLES_SHOWN).map((s) => `- ${sampleLine(s)}`)] : []),
    '',
    `Vigil delivery ${deliveryKey}`,
  ].join('\n');
  return {
    path: '/v2/alerts',
    body: {
      message: cut(alertHeadline(a), LIMITS.message),
      alias: a.id,
      description: cut(description, LIMITS.description),
      ...(def.responders.length ? { responders: def.responders } : {}),
      tags: [...new Set(['vigil', ...a.tags, ...def.tags])].map((t) => cut(t, LIMITS.tag)).slice(0, LIMITS.tags),
      details: details(Object.fromEntries([...rows.map((r) => [r.label, r.value]), ...(link?.url ? [['Kibana Discover', link.url]] : [])])),
      entity: cut(groupLabel(a.group), LIMITS.entity),
      source: 'Vigil',
      priority: PRIORITY[a.severity],
    },
  };
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The details map within its limit: values cut so that keys and values together fit. */
function details(d: Record<string, string>): Record<string, string> {
  const keys = Object.keys(d).reduce((n, k) => n + k.length, 0);
  const each = Math.max(20, Math.floor((LIMITS.details - keys) / Math.max(1, Object.keys(d).length)));
  const total = Object.values(d).reduce((n, v) => n + v.length, 0) + keys;
  return total <= LIMITS.details ? d : Object.fromEntries(Object.entries(d).map(([k, v]) => [k, cut(v, each)]));
}
