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
import { formatByteSize, formatDuration } from '../../src/core/units';
import type { WorkersSetting } from './workers/ndjson-pool';

/** A file input as resolved: every default filled in, globs absolute, durations in ms (meanings: the schema). */
export interface FileInputConfig {
  type: 'file';
  id: string;
  paths: string[];
  exclude: string[];
  dataset: string;
  timestamp_field?: string;   // unset: the first of the usual time fields
  max_line_bytes: number;
  scan_interval_ms: number;
  poll_interval_ms: number;
  /** wake on filesystem notifications besides polling */
  watch: boolean;
  close_inactive_ms: number;
  max_open_files: number;
  fingerprint_bytes: number;
  ignore_older_ms?: number;
  follow_symlinks?: boolean;
  /** threads making the lines events: a count (0: the reading thread) or 'auto' */
  workers: WorkersSetting;
}

/** The defaults of the options that have one (the schema's `default`s read them too). */
export const FILE_INPUT_DEFAULTS = {
  dataset: 'vigil.file',
  max_line_bytes: 1024 * 1024,
  scan_interval_ms: 1000,
  poll_interval_ms: 250,
  watch: true,
  close_inactive_ms: 5 * 60_000,
  max_open_files: 256,
  fingerprint_bytes: 1024,
  workers: 0 as WorkersSetting,
} as const;

/** Where the file input looks when `paths` is not given (the embedded default), relative to the config's folder. */
export const FILE_INPUT_DEFAULT_PATHS = ['logs/**/*.json', 'logs/**/*.ndjson'] as const;

const d = FILE_INPUT_DEFAULTS;

export const fileInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'paths'],
  description: 'NDJSON log files, tailed through rotation',
  properties: {
    type: { const: 'file', description: 'selects this input' },
    id: { ...nonEmptyStr, description: 'unique input id; checkpoints are kept under it (default file-1, file-2, ...)' },
    paths: { ...strList, description: 'globs of the files to read, relative to the config file\'s folder' },
    exclude: { ...strList, default: [], description: 'globs of files not to read; a pattern without `/` matches file names anywhere' },
    dataset: { ...nonEmptyStr, default: d.dataset, description: 'event.dataset of the events whose line has none' },
    timestamp_field: { ...nonEmptyStr, description: 'the field holding the event time (default: the first of `@timestamp`, `timestamp`, `time`, `ts`, `@t`)' },
    max_line_bytes: { ...size, default: formatByteSize(d.max_line_bytes), description: 'longer lines are cut to this and tagged `vigil_truncated`' },
    scan_interval: { ...duration, default: formatDuration(d.scan_interval_ms), description: 'how often the globs are expanded again to find new files' },
    poll_interval: { ...duration, default: formatDuration(d.poll_interval_ms), description: 'how often open files are checked for new data (with `watch`, the fallback for changes not notified)' },
    watch: { type: 'boolean', default: d.watch, description: 'read as soon as the system notifies a write or a new file (fs.watch: inotify on Linux), besides the poll; false: at each poll only' },
    close_inactive: { ...duration, default: formatDuration(d.close_inactive_ms), description: 'an idle rotated file\'s handle is closed after this (reopened when it grows)' },
    max_open_files: { ...posInt, default: d.max_open_files, description: 'open file handles at most; further files wait' },
    fingerprint_bytes: { ...posInt, default: d.fingerprint_bytes, description: 'a file is identified by the hash of its first line, at most this many bytes' },
    ignore_older: { ...duration, description: 'files not modified for longer are skipped when first seen (default: none skipped)' },
    follow_symlinks: { type: 'boolean', default: false, description: 'read the files behind symbolic links that match the globs (else links are skipped and reported)' },
    workers: {
      oneOf: [{ type: 'integer', minimum: 0, maximum: 64 }, { const: 'auto' }],
      default: d.workers,
      description: 'threads that parse, shape and serialise the lines (each file in order all the same): a number (0, the default: the reading thread does it) or `auto`, one per core but two, at most 3 (0 on one or two cores); workers spend more CPU per line and memory for more lines a second on spare cores',
    },
  },
} as const;

/** The defaults; without `paths` given, `logs/**\/*.json` and `logs/**\/*.ndjson` under `base`. */
export function defaultFileInput(base: string, id = 'file-1'): FileInputConfig {
  return {
    type: 'file',
    id,
    paths: FILE_INPUT_DEFAULT_PATHS.map((g) => resolveGlob(base, g)),
    exclude: [],
    ...FILE_INPUT_DEFAULTS,
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
  if (typeof o.watch === 'boolean') inp.watch = o.watch;
  if (typeof o.workers === 'number' || o.workers === 'auto') inp.workers = o.workers;
  for (const [k, v] of [['scan_interval', inp.scan_interval_ms], ['poll_interval', inp.poll_interval_ms]] as const) {
    if (v <= 0 && !src.hasValueProblem(src.nodeAt(p(k)))) src.problemAtPath(p(k), `inputs[${i}].${k} must be greater than 0`, { value: true });
  }
  return inp;
}
