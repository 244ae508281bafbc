import type { Client } from '@elastic/elasticsearch';
import { esErrors } from '../../../src/core/elasticsearch-lib';

/** The data stream every alert change goes to (one alert history for the fleet, next to the events). */
export const ALERTS_DATA_STREAM = 'logs-vigil.alerts-default';
/** The companion index of delivery records: one per alert change and notifier, updated with fences. */
export const DELIVERIES_INDEX = 'vigil-alert-deliveries';
/** Bump when a mapping below changes: a cluster's older template is then replaced. */
export const ALERTS_TEMPLATE_VERSION = 3;

const keyword = { type: 'keyword', ignore_above: 1024 } as const;
const date = { type: 'date' } as const;

/** The alert documents' fields (see alert-document.ts), mapped so Kibana filters and sorts on them. */
const alertMappings = {
  dynamic: false,
  properties: {
    '@timestamp': date,
    message: { type: 'text' },
    event: { properties: { kind: keyword, dataset: keyword } },
    data_stream: { properties: { type: keyword, dataset: keyword, namespace: keyword } },
    host: { properties: { name: keyword } },
    observer: { properties: { name: keyword } },
    tags: keyword,
    vigil: {
      properties: {
        alert: {
          properties: {
            id: keyword, change_id: keyword, rule: keyword, description: { type: 'text' }, severity: keyword, state: keyword,
            group_key: keyword, group: { type: 'object', dynamic: true }, group_values: keyword,
            count: { type: 'long' }, reference: { type: 'double' }, value: { type: 'double' },
            window: { properties: { start: date, end: date } },
            first_event: date, last_event: date, fired_at: date, resolved_at: date,
            sample_event_ids: keyword, samples: { type: 'object', enabled: false },
            query: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 8191 } } },
            notify: keyword, silenced: { type: 'boolean' }, notified: { type: 'boolean' }, fleet: keyword,
          },
        },
      },
    },
  },
  // group values of any field: searchable as keywords, whatever their type in the events
  dynamic_templates: [{ group_values_as_keywords: { path_match: 'vigil.alert.group.*', mapping: keyword } }],
};

/** A delivery record (see delivery-record.ts); the alert itself rides along unindexed, for the sender. */
const deliveryMappings = {
  dynamic: false,
  properties: {
    key: keyword, alert_id: keyword, change_id: keyword, rule: keyword, state: keyword, notifier: keyword,
    status: keyword, owner: keyword, lease_until: date, retry_at: date, created: date, attempts: { type: 'integer' },
    attempt_started_at: date, sent_at: date, sent_by: keyword, delivered: { type: 'text' }, failed_at: date,
    error: { type: 'text' }, last_error: { type: 'text' },
    takeovers: { type: 'object', enabled: false }, alert: { type: 'object', enabled: false },
  },
};

function templates(): Array<{ name: string; body: Record<string, unknown>; patterns: string[]; mappings: { properties: unknown } }> {
  const meta = { managed_by: 'vigil', template_version: ALERTS_TEMPLATE_VERSION };
  return [
    {
      name: 'vigil-alerts',
      body: { index_patterns: ['logs-vigil.alerts-*'], priority: 210, data_stream: {}, template: { mappings: alertMappings }, _meta: meta },
      patterns: ['logs-vigil.alerts-*'], mappings: alertMappings,
    },
    {
      name: 'vigil-alert-deliveries',
      body: { index_patterns: [DELIVERIES_INDEX], priority: 210, template: { settings: { 'index.refresh_interval': '1s' }, mappings: deliveryMappings }, _meta: meta },
      patterns: [DELIVERIES_INDEX], mappings: deliveryMappings,
    },
  ];
}

/**
 * Installs the alert templates (or replaces older versions) and creates the deliveries index. The
 * data stream itself is created by the first write (the template has `data_stream: {}`), which also
 * works on distributions without the data-stream API.
 */
export async function setupAlertsTargets(client: Client): Promise<string[]> {
  const actions: string[] = [];
  for (const t of templates()) {
    let version: number | undefined;
    try {
      const got = await client.indices.getIndexTemplate({ name: t.name });
      version = (got.index_templates[0]?.index_template?._meta as { template_version?: number } | undefined)?.template_version;
    } catch (err) {
      if (!(err instanceof esErrors().ResponseError && err.statusCode === 404)) throw err;
    }
    if (version === ALERTS_TEMPLATE_VERSION) continue;
    await client.transport.request({ method: 'PUT', path: `/_index_template/${t.name}`, body: t.body });
    actions.push(`${version === undefined ? 'installed' : 'updated'} template ${t.name} (version ${ALERTS_TEMPLATE_VERSION})`);
    if (version !== undefined) {
      // what an older template made keeps its mapping (`dynamic: false`: a new field would not be
      // searchable there): the fields are added to it (adding fields never conflicts)
      await client.transport.request({
        method: 'PUT', path: `/${t.patterns.map(encodeURIComponent).join(',')}/_mapping`,
        querystring: { allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'all' },
        body: { properties: t.mappings.properties },
      });
      actions.push(`added the new fields of template ${t.name} to its existing indices`);
    }
  }
  try {
    await client.indices.create({ index: DELIVERIES_INDEX });
    actions.push(`created index ${DELIVERIES_INDEX}`);
  } catch (err) {
    if (!(err instanceof esErrors().ResponseError && /already_exists/.test(JSON.stringify(err.body ?? '')))) throw err;
  }
  return actions;
}
