/**
 * The `winevt` input's options (vigil.yaml `inputs: - type: winevt`: live Windows Event Log
 * channels): the resolved shape with its defaults, its JSON Schema, and its validation.
 */
import { duration, nonEmptyStr, posInt, resolvePath, strList, asObj, type ConfigContext, type Obj, type YamlPath } from '../../src/core/config-kit';
import { eventIdsSchema, levelsSchema, recordFilterInto, type RecordFilterConfig } from '../windows-event/record-filter-config';

export interface WinevtChannelConfig extends RecordFilterConfig {
  name: string;
  ignore_older_ms?: number;
}

export interface WinevtInputConfig {
  type: 'winevt';
  id: string;
  channels: WinevtChannelConfig[];
  wevtutil_path: string;      // default "wevtutil"
  poll_interval_ms: number;   // default 1 s
  batch_size: number;         // default 100
}

export const WINEVT_DEFAULTS = { wevtutil_path: 'wevtutil', poll_interval_ms: 1000, batch_size: 100 } as const;

export const winevtInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'channels'],
  properties: {
    type: { const: 'winevt' },
    id: nonEmptyStr,
    channels: { type: 'array', minItems: 1, items: { $ref: '#/definitions/channel' } },
    wevtutil_path: nonEmptyStr,
    poll_interval: duration,
    batch_size: posInt,
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
      name: nonEmptyStr,
      event_ids: eventIdsSchema,
      levels: levelsSchema,
      providers: strList,
      ignore_older: duration,
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
