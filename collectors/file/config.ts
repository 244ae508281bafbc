/**
 * The `file` input's options (vigil.yaml `inputs: - type: file`): the resolved shape with its
 * defaults, its JSON Schema, and its validation.
 */
import {
  asStrings,
  duration,
  nonEmptyStr,
  posInt,
  resolveGlob,
  size,
  strList,
  type ConfigContext,
  type Obj,
  type YamlPath,
} from '../../src/core/config-kit';

export interface FileInputConfig {
  type: 'file';
  id: string;                 // unique input id (default "file-<n>")
  paths: string[];            // globs
  exclude: string[];          // globs
  dataset: string;            // event.dataset when the line has none (default "vigil.file")
  timestamp_field?: string;   // else auto: @timestamp, timestamp, time, ts, @t
  max_line_bytes: number;     // default 1 MiB
  scan_interval_ms: number;   // re-discovery of the globs (default 1000)
  poll_interval_ms: number;   // how often open files are checked for new data (default 250)
  close_inactive_ms: number;  // an idle rotated file is closed after this (default 5 min)
  max_open_files: number;     // cap on open handles (default 256)
  fingerprint_bytes: number;  // identity = hash of the first line, at most this many bytes (default 1024)
  ignore_older_ms?: number;   // files not modified for longer are skipped at first sight
  follow_symlinks?: boolean;  // read files behind symbolic links matching the globs (default false)
}

export const fileInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'paths'],
  properties: {
    type: { const: 'file' },
    id: nonEmptyStr,
    paths: strList,
    exclude: strList,
    dataset: nonEmptyStr,
    timestamp_field: nonEmptyStr,
    max_line_bytes: size,
    scan_interval: duration,
    poll_interval: duration,
    close_inactive: duration,
    max_open_files: posInt,
    fingerprint_bytes: posInt,
    ignore_older: duration,
    follow_symlinks: { type: 'boolean' },
  },
} as const;

/** The defaults; without `paths` given, `logs/**\/*.json` and `logs/**\/*.ndjson` under `base`. */
export function defaultFileInput(base: string, id = 'file-1'): FileInputConfig {
  return {
    type: 'file',
    id,
    paths: [resolveGlob(base, 'logs/**/*.json'), resolveGlob(base, 'logs/**/*.ndjson')],
    exclude: [],
    dataset: 'vigil.file',
    max_line_bytes: 1024 * 1024,
    scan_interval_ms: 1000,
    poll_interval_ms: 250,
    close_inactive_ms: 5 * 60_000,
    max_open_files: 256,
    fingerprint_bytes: 1024,
  };
}

/** Validates `inputs[i]` (already checked against the schema) and fills in the defaults. */
export function buildFileInput(ctx: ConfigContext, o: Obj, i: number, id: string): FileInputConfig {
  const { src, baseDir, read } = ctx;
  const p = (k: string): YamlPath => ['inputs', i, k];
  const paths = asStrings(o.paths);
  if (Array.isArray(o.paths) && paths.length === 0) src.problemAtPath(p('paths'), `file input inputs[${i}] has no paths`, { value: true });
  const inp: FileInputConfig = {
    ...defaultFileInput(baseDir, id),
    paths: paths.map((g) => resolveGlob(baseDir, g)),
    exclude: asStrings(o.exclude).map((g) => (/[\\/]/.test(g) && !g.startsWith('**') ? resolveGlob(baseDir, g) : g)),
  };
  if (typeof o.dataset === 'string') inp.dataset = o.dataset;
  if (typeof o.timestamp_field === 'string') inp.timestamp_field = o.timestamp_field;
  inp.max_line_bytes = read.size(p('max_line_bytes'), o.max_line_bytes, inp.max_line_bytes);
  if (inp.max_line_bytes < 1) src.problemAtPath(p('max_line_bytes'), `inputs[${i}].max_line_bytes must be at least 1 byte`, { value: true });
  inp.scan_interval_ms = read.dur(p('scan_interval'), o.scan_interval, inp.scan_interval_ms);
  inp.poll_interval_ms = read.dur(p('poll_interval'), o.poll_interval, inp.poll_interval_ms);
  inp.close_inactive_ms = read.dur(p('close_inactive'), o.close_inactive, inp.close_inactive_ms);
  inp.max_open_files = read.int(o.max_open_files, inp.max_open_files);
  inp.fingerprint_bytes = read.int(o.fingerprint_bytes, inp.fingerprint_bytes);
  if (o.ignore_older !== undefined) inp.ignore_older_ms = read.dur(p('ignore_older'), o.ignore_older, 0);
  if (o.follow_symlinks === true) inp.follow_symlinks = true;
  for (const [k, v] of [['scan_interval', inp.scan_interval_ms], ['poll_interval', inp.poll_interval_ms]] as const) {
    if (v <= 0 && !src.hasValueProblem(src.nodeAt(p(k)))) src.problemAtPath(p(k), `inputs[${i}].${k} must be greater than 0`, { value: true });
  }
  return inp;
}
