/**
 * JSON Schema (draft-07, as ajv v8 understands it) of vigil.yaml as users write it (SPEC section 5),
 * composed from the components' pieces: the input types and the sink sections of the registry
 * (../components.ts), the notifier and control sections. Durations are strings like "5m" (or a
 * number of seconds), sizes strings like "1MiB" (or a number of bytes). Unknown keys are errors
 * everywhere. Semantic checks are the components' validation functions, called by ./load.ts.
 */
import { duration, durationDefinition, nonEmptyStr, posInt, sizeDefinition } from '../../core/config-kit';
import { smtpSchema } from '../../../sinks/notify/email/config';
import { controlSchema } from '../../control/config';
import { INPUT_TYPE_LIST, SINK_TYPE_LIST } from '../components';

export { SECRET_ENV_NAME, SECRET_KEYS } from '../../core/config-kit';

/** The log levels of `logging.level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Each sink type's section, under its name. */
const sinkSections = Object.fromEntries(SINK_TYPE_LIST.map(([name, type]) => [name, type.configSchema]));

/** An `inputs` entry is one of the input types, told apart by `type`: each one's schema is `#/definitions/<type>Input`. */
const inputDefinitions: Record<string, object> = {};
for (const [name, type] of INPUT_TYPE_LIST) Object.assign(inputDefinitions, { [`${name}Input`]: type.configSchema }, type.definitions);

export const vigilConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vigil.example/schemas/vigil.json',
  title: 'vigil.yaml',
  type: 'object',
  additionalProperties: false,
  properties: {
    host_name: { ...nonEmptyStr, description: 'host.name of the events (default: the OS host name)' },
    state_dir: { ...nonEmptyStr, description: 'checkpoints and the control token (default ./data/state)' },
    rules: { ...nonEmptyStr, description: 'path of rules.yaml (default ./rules.yaml)' },
    inputs: { type: 'array', items: { $ref: '#/definitions/input' } },
    ...sinkSections,
    smtp: smtpSchema,
    outbox_dir: nonEmptyStr,
    outbox_keep_days: { type: 'integer', minimum: 0, description: 'days the outbox keeps the records of sent and refused notifications (default 30; 0: for ever)' },
    kibana_url: nonEmptyStr,
    control: controlSchema,
    logging: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { type: 'string', enum: LOG_LEVELS },
      },
    },
    pipeline: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_inflight_events: posInt,
        batch_size: posInt,
        flush_interval: duration,
        checkpoint_interval: duration,
      },
    },
  },
  definitions: {
    duration: durationDefinition,
    size: sizeDefinition,
    input: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: INPUT_TYPE_LIST.map(([name]) => ({ $ref: `#/definitions/${name}Input` })),
    },
    ...inputDefinitions,
  },
};
