/**
 * The `winevt` input's options (vigil.yaml `inputs: - type: winevt`: live Windows Event Log
 * channels): the resolved shape with its defaults, its JSON Schema, and its validation.
 */
import { duration, nonEmptyStr, posInt, resolvePath, asObj, type ConfigContext, type Obj, type YamlPath } from '../../src/core/config-kit';
import { formatDuration } from '../../src/core/units';
import { eventIdsSchema, levelsSchema, providersSchema, recordFilterInto, type RecordFilterConfig } from '../windows-event/record-filter-config';

/** One channel as resolved (meanings: the schema). */
export interface WinevtChannelConfig extends RecordFilterConfig {
  name: string;
  ignore_older_ms?: number;
}

/** A winevt input as resolved (meanings and defaults: the schema). */
export interface WinevtInputConfig {
  type: 'winevt';
  id: string;
  channels: WinevtChannelConfig[];
  wevtutil_path: string;
  poll_interval_ms: number;
  batch_size: number;
}

export const WINEVT_DEFAULTS = { wevtutil_path: 'wevtutil', poll_interval_ms: 1000, batch_size: 100 } as const;

export const winevtInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'channels'],
  description: 'live Windows Event Log channels, read through wevtutil (Windows only)',
  properties: {
    type: { const: 'winevt', description: 'selects this input' },
    id: { ...nonEmptyStr, description: 'unique input id; checkpoints are kept under it (default winevt-1, winevt-2, ...)' },
    channels: { type: 'array', minItems: 1, items: { $ref: '#/definitions/channel' }, description: 'the channels to read: a name (every event), or a mapping with a name and a record filter' },
    wevtutil_path: { ...nonEmptyStr, default: WINEVT_DEFAULTS.wevtutil_path, description: 'the wevtutil program: looked up on PATH unless it holds a slash (then relative to the config file\'s folder)' },
    poll_interval: { ...duration, default: formatDuration(WINEVT_DEFAULTS.poll_interval_ms), description: 'how often each channel is asked for new events' },
    batch_size: { ...posInt, default: WINEVT_DEFAULTS.batch_size, description: 'events read from a channel per wevtutil call, at most' },
  },
} as const;

/** One entry of `channels`: a channel name, or a mapping with its record filter (`#/definitions/channel`). */
export const channelSchema = {
  if: { type: 'string' },
  then: nonEmptyStr,
  else: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { ...nonEmptyStr, description: 'the channel, as wevtutil names it: Security, Microsoft-Windows-Sysmon/Operational' },
      event_ids: eventIdsSchema,
      levels: levelsSchema,
      providers: providersSchema,
      ignore_older: { ...duration, description: 'events already older than this when read are skipped (default: none skipped)' },
    },
  },
} as const;

/** Validates `inputs[i]` (already checked against the schema) and fills in the defaults. */
export function buildWinevtInput(ctx: ConfigContext, o: Obj, i: number, id: string): WinevtInputConfig {
  const { src, baseDir, read } = ctx;
  const p = (k: string): YamlPath => ['inputs', i, k];
  const channels = buildChannels(ctx, o.channels, i);
  const seen = new Map<string, number>();
  channels.forEach((c, j) => {
    const k = c.name.toLowerCase();
    if (seen.has(k)) src.problemAtPath(['inputs', i, 'channels', j], `channel "${c.name}" is listed twice in inputs[${i}]`);
    else seen.set(k, j);
  });
  const wevt = typeof o.wevtutil_path === 'string' && o.wevtutil_path ? o.wevtutil_path : WINEVT_DEFAULTS.wevtutil_path;
  return {
    type: 'winevt',
    id,
    channels,
    wevtutil_path: /[\\/]/.test(wevt) ? resolvePath(baseDir, wevt) : wevt,
    poll_interval_ms: read.dur(p('poll_interval'), o.poll_interval, WINEVT_DEFAULTS.poll_interval_ms),
    batch_size: read.int(o.batch_size, WINEVT_DEFAULTS.batch_size),
  };
}

function buildChannels(ctx: ConfigContext, list: unknown, i: number): WinevtChannelConfig[] {
  const channels: WinevtChannelConfig[] = [];
  (Array.isArray(list) ? list : []).forEach((ch, j) => {
    const cp: YamlPath = ['inputs', i, 'channels', j];
    if (typeof ch === 'string') {
      if (ch) channels.push({ name: ch });
      return;
    }
    const c = asObj(ch);
    if (typeof c.name !== 'string' || !c.name) return;
    const cc: WinevtChannelConfig = { name: c.name };
    recordFilterInto(ctx, cc, c, cp);
    if (c.ignore_older !== undefined) cc.ignore_older_ms = ctx.read.dur([...cp, 'ignore_older'], c.ignore_older, 0);
    channels.push(cc);
  });
  return channels;
}
