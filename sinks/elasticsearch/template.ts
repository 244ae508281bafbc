import type { Client } from '@elastic/elasticsearch';
import { esErrors } from '../../src/core/elasticsearch-lib';
import { eventMappings } from '../../src/core/ecs-fields';
import { ELASTICSEARCH_DEFAULTS } from './config';

/** Bump when the mappings or settings change: a running cluster's template is then replaced. */
export const TEMPLATE_VERSION = 2;
/** The built-in `logs-*-*` template has priority 100; ours must win for our target. */
const PRIORITY = 200;

export type TargetMode = 'data_stream' | 'index';

export interface TargetSetup {
  target: string;
  mode: TargetMode;
  template: string;
  /** what was done, for the log and the status */
  actions: string[];
}

function templateBody(target: string, dataStream: boolean, vigilVersion: string): Record<string, unknown> {
  return {
    index_patterns: [target],
    priority: PRIORITY,
    ...(dataStream ? { data_stream: {} } : {}),
    template: {
      settings: { 'index.mapping.total_fields.limit': 2000, 'index.mapping.ignore_malformed': true },
      mappings: eventMappings,
    },
    _meta: { managed_by: 'vigil', vigil_version: vigilVersion, template_version: TEMPLATE_VERSION },
  };
}

function isAlreadyExists(err: unknown): boolean {
  return err instanceof esErrors().ResponseError && /already_exists/.test(JSON.stringify(err.body ?? ''));
}

/**
 * Installs (or updates, when Vigil's template version changed) the index template, then creates the
 * data stream. Where data streams are not available it falls back to a plain index with a template.
 */
export async function setupTarget(client: Client, opts: { dataStream?: string; index?: string; vigilVersion: string }): Promise<TargetSetup> {
  const target = opts.index ?? opts.dataStream ?? ELASTICSEARCH_DEFAULTS.data_stream;
  const template = `vigil-${target}`;
  const actions: string[] = [];
  const wantDataStream = !opts.index;

  const installTemplate = async (dataStream: boolean): Promise<void> => {
    let current: { _meta?: { template_version?: number }; data_stream?: unknown } | undefined;
    try {
      const got = await client.indices.getIndexTemplate({ name: template });
      current = got.index_templates[0]?.index_template as typeof current;
    } catch (err) {
      if (!(err instanceof esErrors().ResponseError && err.statusCode === 404)) throw err;
    }
    const sameMode = !!current?.data_stream === dataStream;
    if (current && current._meta?.template_version === TEMPLATE_VERSION && sameMode) {
      actions.push(`template ${template} is current (version ${TEMPLATE_VERSION})`);
      return;
    }
    await client.transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(template)}`, body: templateBody(target, dataStream, opts.vigilVersion) });
    actions.push(`${current ? 'updated' : 'installed'} template ${template} (version ${TEMPLATE_VERSION})`);
  };

  if (wantDataStream) {
    try {
      await installTemplate(true);
      try {
        await client.transport.request({ method: 'PUT', path: `/_data_stream/${encodeURIComponent(target)}` });
        actions.push(`created data stream ${target}`);
      } catch (err) {
        if (isAlreadyExists(err)) actions.push(`data stream ${target} exists`);
        else if (noDataStreamApi(err)) actions.push(`this cluster has no data stream API; the first write creates data stream ${target} from the template`);
        else throw err;
      }
      return { target, mode: 'data_stream', template, actions };
    } catch (err) {
      if (!dataStreamsUnavailable(err)) throw err;
      actions.push(`data streams are not available on this cluster (${shortError(err)}); using the index ${target} with a template`);
    }
  }
  await installTemplate(false);
  try {
    await client.indices.create({ index: target });
    actions.push(`created index ${target}`);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    actions.push(`index ${target} exists`);
  }
  return { target, mode: 'index', template, actions };
}

/** Minimal distributions create data streams from templates but lack the `_data_stream` endpoints. */
function noDataStreamApi(err: unknown): boolean {
  return err instanceof esErrors().ResponseError && (err.statusCode === 405 || err.statusCode === 400) &&
    /Incorrect HTTP method|no handler found/i.test(JSON.stringify(err.body ?? ''));
}

/** A cluster without the data streams feature answers the data stream API with one of these. */
function dataStreamsUnavailable(err: unknown): boolean {
  if (!(err instanceof esErrors().ResponseError)) return false;
  const s = err.statusCode ?? 0;
  const body = JSON.stringify(err.body ?? '');
  return (s === 400 || s === 404 || s === 405 || s === 500) &&
    /unknown (field|key|setting) \[data_stream\]|data.?stream.*(not|un)(supported|available)|no handler found for uri \[\/_index_template/i.test(body);
}

function shortError(err: unknown): string {
  if (err instanceof esErrors().ResponseError) {
    const e = (err.body as { error?: { type?: string; reason?: string } } | undefined)?.error;
    return `${err.statusCode} ${e?.type ?? ''} ${e?.reason ?? ''}`.trim().slice(0, 200);
  }
  return err instanceof Error ? err.message : String(err);
}
