import type { Client } from '@elastic/elasticsearch';
import type { OpenAlert } from '../../../rules';
import { ALERTS_DATA_STREAM } from './alerts-targets';

/** An alert document's `vigil.alert`, as far as an open alert is read from it. */
interface AlertFields {
  id?: string; state?: string; group_key?: string; fired_at?: string; silenced?: boolean;
  count?: number; reference?: number; value?: number; window?: { start: string; end: string };
  first_event?: string; last_event?: string; samples?: OpenAlert['shown']['samples'];
}

/** Alert documents read at most per rule (the newest first). */
const MAX_DOCS = 10_000;

/**
 * The alerts of `rule` the alert history holds as fired and not resolved (a firing document whose
 * alert id has no resolved one), without their group values (the rules engine reads them from the
 * group key). The data stream is refreshed first, so that a dead owner's last writes are seen.
 */
export async function readOpenAlerts(client: Client, rule: string): Promise<Array<Omit<OpenAlert, 'groupValues'>>> {
  await client.indices.refresh({ index: ALERTS_DATA_STREAM, ignore_unavailable: true, allow_no_indices: true });
  const r = await client.search<{ vigil?: { alert?: AlertFields } }>({
    index: ALERTS_DATA_STREAM, ignore_unavailable: true, allow_no_indices: true, size: MAX_DOCS,
    query: { term: { 'vigil.alert.rule': rule } }, sort: [{ '@timestamp': 'desc' }], _source: ['vigil.alert'],
  });
  const firing = new Map<string, AlertFields>();
  const resolved = new Set<string>();
  for (const h of r.hits.hits) {
    const a = h._source?.vigil?.alert;
    if (!a?.id) continue;
    if (a.state === 'resolved') resolved.add(a.id);
    else if (a.state === 'firing') firing.set(a.id, a);
  }
  const out: Array<Omit<OpenAlert, 'groupValues'>> = [];
  for (const [id, a] of firing) {
    const firedAt = Date.parse(a.fired_at ?? '');
    if (resolved.has(id) || typeof a.group_key !== 'string' || !Number.isFinite(firedAt) || !a.window) continue;
    out.push({
      id, groupKey: a.group_key, firedAt, sent: a.silenced !== true,
      shown: {
        count: a.count ?? 0, window: a.window, first_event: a.first_event ?? a.fired_at!, last_event: a.last_event ?? a.fired_at!, samples: a.samples ?? [],
        ...(a.reference !== undefined ? { reference: a.reference } : {}), ...(a.value !== undefined ? { value: a.value } : {}),
      },
    });
  }
  return out;
}
