/**
 * JSON Schema (draft-07, as ajv v8 understands it) of vigil.yaml as users write it (SPEC section 5),
 * composed from the components' pieces: the input types and the sink sections of the registry
 * (../components.ts), the notifier and control sections, and the runtime's own root keys
 * (./root-options.ts). Durations are strings like "5m" (or a number of seconds), sizes strings like
 * "1MiB" (or a number of bytes). Unknown keys are errors everywhere. Every option has its
 * `description` (and its `default` where it is a value) in its home; the README's option tables are
 * generated from this schema (scripts/options-docs). Semantic checks are the components' validation
 * functions, called by ./load.ts.
 */
import { durationDefinition, sizeDefinition } from '../../core/config-kit';
import { smtpSchema } from '../../../sinks/notify/email/config';
import { outboxDirSchema, outboxKeepDaysSchema } from '../../../sinks/notify/outbox/config';
import { kibanaUrlSchema } from '../../../sinks/notify/view/config';
import { controlSchema } from '../../control/config';
import { fleetSchema } from '../fleet/config';
import { INPUT_TYPE_LIST, SINK_TYPE_LIST } from '../components';
import { hostNameSchema, inputsSchema, loggingSchema, pipelineSchema, rulesPathSchema, stateDirSchema } from './root-options';

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
    host_name: hostNameSchema,
    state_dir: stateDirSchema,
    rules: rulesPathSchema,
    inputs: inputsSchema,
    ...sinkSections,
    smtp: smtpSchema,
    outbox_dir: outboxDirSchema,
    outbox_keep_days: outboxKeepDaysSchema,
    kibana_url: kibanaUrlSchema,
    control: controlSchema,
    logging: loggingSchema,
    pipeline: pipelineSchema,
    fleet: fleetSchema,
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
