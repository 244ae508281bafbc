/**
 * The options the runtime itself owns at the root of vigil.yaml (`host_name`, `state_dir`, `rules`,
 * the `inputs` list, `logging`, `pipeline`): their defaults and their pieces of the JSON Schema.
 * What each input entry holds belongs to its collector's config.ts.
 */
import { duration, nonEmptyStr, posInt } from '../../core/config-kit';
import { formatDuration } from '../../core/units';
import { FILE_INPUT_DEFAULT_PATHS } from '../../../collectors/file/config';
import type { VigilConfig } from './types';

/** The state folder and the rules file when vigil.yaml does not say, relative to the config's folder. */
export const STATE_DIR_DEFAULT = 'data/state';
export const RULES_FILE_DEFAULT = 'rules.yaml';

/** The log levels of `logging.level`, and the default one. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const DEFAULT_LOG_LEVEL = 'info' satisfies typeof LOG_LEVELS[number];

export const DEFAULT_PIPELINE: VigilConfig['pipeline'] = {
  max_inflight_events: 2000,
  batch_size: 1000,
  flush_interval_ms: 200,
  checkpoint_interval_ms: 1000,
};

export const hostNameSchema = {
  ...nonEmptyStr,
  description: 'host.name of the events that carry none (default: this machine\'s name)',
} as const;

export const stateDirSchema = {
  ...nonEmptyStr,
  default: `./${STATE_DIR_DEFAULT}`,
  description: 'checkpoints, silences, the control token, the Elasticsearch spool',
} as const;

export const rulesPathSchema = {
  ...nonEmptyStr,
  default: `./${RULES_FILE_DEFAULT}`,
  description: 'the rules file',
} as const;

export const inputsSchema = {
  type: 'array',
  items: { $ref: '#/definitions/input' },
  description: `what is read, each entry with its type: file, evtx, winevt or elasticsearch (default: one file input on ${FILE_INPUT_DEFAULT_PATHS.map((g) => `\`./${g}\``).join(' and ')})`,
} as const;

export const loggingSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Vigil\'s own log (JSON lines on stderr)',
  properties: {
    level: { type: 'string', enum: LOG_LEVELS, default: DEFAULT_LOG_LEVEL, description: 'the least severe level written' },
  },
} as const;

export const pipelineSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'between the collectors and the sinks',
  properties: {
    max_inflight_events: { ...posInt, default: DEFAULT_PIPELINE.max_inflight_events, description: 'events read and not yet acknowledged by every sink, at most; past it reading waits; a sink is handed at most half of them at once' },
    batch_size: { ...posInt, default: DEFAULT_PIPELINE.batch_size, description: 'events handed to a sink at once, at most' },
    flush_interval: { ...duration, default: formatDuration(DEFAULT_PIPELINE.flush_interval_ms), description: 'a partial batch is handed on after this; when the inputs are caught up, at once to the local event store, and to any sink handed nothing for this long' },
    checkpoint_interval: { ...duration, default: formatDuration(DEFAULT_PIPELINE.checkpoint_interval_ms), description: 'how often the checkpoints are committed to `state_dir/registry.json`' },
  },
} as const;
