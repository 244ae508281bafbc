/**
 * The `evtx` input's options (vigil.yaml `inputs: - type: evtx`: exported .evtx files): the
 * resolved shape with its defaults, its JSON Schema, and its validation.
 */
import { asStrings, duration, nonEmptyStr, resolveGlob, strList, type ConfigContext, type Obj, type YamlPath } from '../../src/core/config-kit';
import { formatDuration } from '../../src/core/units';
import type { WorkersSetting } from './decode/decode-pool';
import { eventIdsSchema, levelsSchema, providersSchema, recordFilterInto, type RecordFilterConfig } from '../windows-event/record-filter-config';

/** An evtx input as resolved (meanings: the schema); which records are kept, as for a channel. */
export interface EvtxInputConfig extends RecordFilterConfig {
  type: 'evtx';
  id: string;
  paths: string[];
  scan_interval_ms: number;
  follow_symlinks?: boolean;
  /** decode workers: a count (0: in the reading thread) or 'auto' (default EVTX_WORKERS) */
  workers?: WorkersSetting;
}

export const EVTX_SCAN_INTERVAL_MS = 10_000;
export const EVTX_WORKERS: WorkersSetting = 'auto';

export const evtxInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'paths'],
  description: 'exported or copied .evtx files, each read once, fully',
  properties: {
    type: { const: 'evtx', description: 'selects this input' },
    id: { ...nonEmptyStr, description: 'unique input id; checkpoints are kept under it (default evtx-1, evtx-2, ...)' },
    paths: { ...strList, description: 'globs of the .evtx files to read, relative to the config file\'s folder' },
    scan_interval: { ...duration, default: formatDuration(EVTX_SCAN_INTERVAL_MS), description: 'how often the globs are expanded again, and a grown file read on' },
    event_ids: eventIdsSchema,
    levels: levelsSchema,
    providers: providersSchema,
    follow_symlinks: { type: 'boolean', default: false, description: 'read the files behind symbolic links that match the globs (else links are skipped and reported)' },
    workers: {
      oneOf: [{ type: 'integer', minimum: 0, maximum: 64 }, { const: 'auto' }],
      default: EVTX_WORKERS,
      description: 'threads decoding the chunks of a file of 8 chunks or more, in file order all the same: a number (0: decode in the reading thread) or `auto`, one per core but one, at most 4 (0 on one core)',
    },
  },
} as const;

/** Validates `inputs[i]` (already checked against the schema) and fills in the defaults. */
export function buildEvtxInput(ctx: ConfigContext, o: Obj, i: number, id: string): EvtxInputConfig {
  const { src, baseDir, read } = ctx;
  const p = (k: string): YamlPath => ['inputs', i, k];
  const paths = asStrings(o.paths);
  if (Array.isArray(o.paths) && paths.length === 0) src.problemAtPath(p('paths'), `evtx input inputs[${i}] has no paths`, { value: true });
  const scanInterval = read.dur(p('scan_interval'), o.scan_interval, EVTX_SCAN_INTERVAL_MS);
  if (scanInterval <= 0 && !src.hasValueProblem(src.nodeAt(p('scan_interval')))) src.problemAtPath(p('scan_interval'), `inputs[${i}].scan_interval must be greater than 0`, { value: true });
  const ev: EvtxInputConfig = { type: 'evtx', id, paths: paths.map((g) => resolveGlob(baseDir, g)), scan_interval_ms: scanInterval };
  if (o.follow_symlinks === true) ev.follow_symlinks = true;
  if (typeof o.workers === 'number' || o.workers === 'auto') ev.workers = o.workers;
  recordFilterInto(ctx, ev, o, ['inputs', i]);
  return ev;
}
