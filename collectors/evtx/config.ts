/**
 * The `evtx` input's options (vigil.yaml `inputs: - type: evtx`: exported .evtx files): the
 * resolved shape with its defaults, its JSON Schema, and its validation.
 */
import { asStrings, duration, nonEmptyStr, resolveGlob, strList, type ConfigContext, type Obj, type YamlPath } from '../../src/core/config-kit';
import { eventIdsSchema, levelsSchema, recordFilterInto, type RecordFilterConfig } from '../windows-event/record-filter-config';

/** Which records are kept, as for a channel (the others are read past: the checkpoint covers them). */
export interface EvtxInputConfig extends RecordFilterConfig {
  type: 'evtx';
  id: string;
  paths: string[];            // globs
  scan_interval_ms: number;   // re-discovery of the globs, and how soon a grown file is read on (default 10 s)
  follow_symlinks?: boolean;  // read .evtx files behind symbolic links matching the globs (default false)
}

export const EVTX_SCAN_INTERVAL_MS = 10_000;

export const evtxInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'paths'],
  properties: {
    type: { const: 'evtx' },
    id: nonEmptyStr,
    paths: strList,
    scan_interval: duration,
    event_ids: eventIdsSchema,
    levels: levelsSchema,
    providers: strList,
    follow_symlinks: { type: 'boolean' },
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
  recordFilterInto(ctx, ev, o, ['inputs', i]);
  return ev;
}
