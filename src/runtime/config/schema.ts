/**
 * JSON Schema (draft-07, as ajv v8 understands it) of vigil.yaml as users write it (SPEC section 5),
 * composed from the components' pieces (each component's config.ts). Durations are strings like
 * "5m" (or a number of seconds), sizes strings like "1MiB" (or a number of bytes). Unknown keys
 * are errors everywhere. Semantic checks are the components' validation functions, called by
 * src/config/load.ts.
 */
import { duration, durationDefinition, nonEmptyStr, posInt, sizeDefinition } from '../../core/config-kit';
import { evtxInputSchema } from '../../../collectors/evtx/config';
import { fileInputSchema } from '../../../collectors/file/config';
import { channelSchema, winevtInputSchema } from '../../../collectors/winevt/config';
import { elasticsearchSchema } from '../../../sinks/elasticsearch/config';
import { smtpSchema } from '../../../sinks/notify/email/config';
import { eventStoreSchema } from '../../../sinks/event-store/config';
import { controlSchema } from '../../control/config';

export { SECRET_ENV_NAME, SECRET_KEYS } from '../../core/config-kit';

/** The log levels of `logging.level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

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
    event_store: eventStoreSchema,
    elasticsearch: elasticsearchSchema,
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
      oneOf: [
        { $ref: '#/definitions/fileInput' },
        { $ref: '#/definitions/winevtInput' },
        { $ref: '#/definitions/evtxInput' },
      ],
    },
    fileInput: fileInputSchema,
    winevtInput: winevtInputSchema,
    channel: channelSchema,
    evtxInput: evtxInputSchema,
  },
} as const;
