/**
 * JSON Schema (draft-07, as ajv v8 understands it) of vigil.yaml as users write it (SPEC section 5).
 * Durations are strings like "5m" (or a number of seconds), sizes strings like "1MiB" (or a number
 * of bytes). Unknown keys are errors everywhere. Semantic checks (event id expressions, URLs,
 * duplicate ids, ...) are done by src/config/load.ts on top of this.
 */
import { DURATION_PATTERN, SIZE_PATTERN } from '../duration';

const str = { type: 'string' } as const;
const nonEmptyStr = { type: 'string', minLength: 1 } as const;
const duration = { $ref: '#/definitions/duration' } as const;
const size = { $ref: '#/definitions/size' } as const;
const posInt = { type: 'integer', minimum: 1 } as const;
const strList = { type: 'array', items: nonEmptyStr } as const;

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
    event_store: {
      type: 'object',
      additionalProperties: false,
      properties: { dir: nonEmptyStr },
    },
    elasticsearch: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: nonEmptyStr,
        hosts: { type: 'array', items: nonEmptyStr, minItems: 1 },
        api_key: nonEmptyStr,
        username: nonEmptyStr,
        password: str,
        ca: nonEmptyStr,
        ca_fingerprint: nonEmptyStr,
        data_stream: nonEmptyStr,
        index: nonEmptyStr,
        batch_size: posInt,
        batch_bytes: size,
        flush_interval: duration,
        max_inflight_requests: posInt,
        request_timeout: duration,
        spool_max_bytes: size,
        spool_segment_bytes: size,
      },
    },
    smtp: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'from'],
      properties: {
        host: nonEmptyStr,
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        secure: { type: 'boolean' },
        starttls: { type: 'boolean' },
        username: nonEmptyStr,
        password: str,
        from: nonEmptyStr,
        ca: nonEmptyStr,
      },
    },
    outbox_dir: nonEmptyStr,
    outbox_keep_days: { type: 'integer', minimum: 0, description: 'days the outbox keeps the records of sent and refused notifications (default 30; 0: for ever)' },
    kibana_url: nonEmptyStr,
    control: {
      type: 'object',
      additionalProperties: false,
      properties: {
        listen: nonEmptyStr,
        token_file: nonEmptyStr,
        allow_insecure: { type: 'boolean', description: 'accept a non-loopback listen address without tls (the token travels in clear text)' },
        allowed_hosts: { ...strList, description: 'Host header names accepted besides loopback names, IP addresses and the machine name' },
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['cert', 'key'],
          properties: { cert: nonEmptyStr, key: nonEmptyStr },
        },
      },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { type: 'string', enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
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
    duration: {
      type: ['string', 'number'],
      pattern: DURATION_PATTERN,
      minimum: 0,
      description: 'a duration: "500ms", "30s", "5m", "2h", "1d", "1h30m", or a number of seconds',
    },
    size: {
      type: ['string', 'number'],
      pattern: SIZE_PATTERN,
      minimum: 0,
      description: 'a size: "512KB", "1MiB", "1mb", or a number of bytes',
    },
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
    fileInput: {
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
    },
    winevtInput: {
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
    },
    channel: {
      if: { type: 'string' },
      then: nonEmptyStr,
      else: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: nonEmptyStr,
          event_ids: { type: ['string', 'integer'] },
          levels: {
            type: 'array',
            items: {
              type: 'string',
              enum: ['critical', 'crit', 'error', 'err', 'warning', 'warn', 'information', 'info', 'verbose'],
            },
          },
          providers: strList,
          ignore_older: duration,
        },
      },
    },
    evtxInput: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'paths'],
      properties: {
        type: { const: 'evtx' },
        id: nonEmptyStr,
        paths: strList,
        scan_interval: duration,
        event_ids: { type: ['string', 'integer'] },
        levels: { $ref: '#/definitions/channel/else/properties/levels' },
        providers: strList,
        follow_symlinks: { type: 'boolean' },
      },
    },
  },
} as const;

/** Keys whose values are secrets: never echoed in errors, replaced by "[redacted]" in redacted output. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'api_key', 'secret', 'token']);

/** An environment variable whose name looks like this holds a secret. */
export const SECRET_ENV_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL/i;
