/**
 * JSON Schema (draft-07, as ajv v8 understands it) of vigil.yaml as users write it (SPEC section 5),
 * composed from the components' pieces (each component's config.ts). Durations are strings like
 * "5m" (or a number of seconds), sizes strings like "1MiB" (or a number of bytes). Unknown keys
 * are errors everywhere. Every option has its `description` (and its `default` where it is a
 * value) in its home; the README's option tables are generated from this schema
 * (scripts/options-docs). Semantic checks are the components' validation functions, called by
 * ./load.ts.
 */
import { durationDefinition, sizeDefinition } from '../../core/config-kit';
import { evtxInputSchema } from '../../../collectors/evtx/config';
import { fileInputSchema } from '../../../collectors/file/config';
import { channelSchema, winevtInputSchema } from '../../../collectors/winevt/config';
import { elasticsearchSchema } from '../../../sinks/elasticsearch/config';
import { smtpSchema } from '../../../sinks/notify/email/config';
import { outboxDirSchema, outboxKeepDaysSchema } from '../../../sinks/notify/outbox/config';
import { kibanaUrlSchema } from '../../../sinks/notify/view/config';
import { eventStoreSchema } from '../../../sinks/event-store/config';
import { controlSchema } from '../../control/config';
import { hostNameSchema, inputsSchema, loggingSchema, pipelineSchema, rulesPathSchema, stateDirSchema } from './root-options';

export { SECRET_ENV_NAME, SECRET_KEYS } from '../../core/config-kit';
export { LOG_LEVELS } from './root-options';

export const vigilConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vigil.example/schemas/vigil.json',
  title: 'vigil.yaml',
  type: 'object',
  additionalProperties: false,
  properties: {
    host_name: hostNameSchema,
    state_dir: stateDirSchema,
    rules: rulesPathSchema,
    inputs: inputsSchema,
    event_store: eventStoreSchema,
    elasticsearch: elasticsearchSchema,
    smtp: smtpSchema,
    outbox_dir: outboxDirSchema,
    outbox_keep_days: outboxKeepDaysSchema,
    kibana_url: kibanaUrlSchema,
    control: controlSchema,
    logging: loggingSchema,
    pipeline: pipelineSchema,
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
