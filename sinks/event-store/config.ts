/**
 * The event store's options (vigil.yaml `event_store:`: the local NDJSON event files, used when no
 * elasticsearch is configured): the resolved shape with its default, its JSON Schema, its validation.
 */
import * as path from 'node:path';
import { asObj, nonEmptyStr, type ConfigContext } from '../../src/core/config-kit';

/** The event store as resolved: `dir` absolute. */
export interface EventStoreConfig {
  dir: string;
  keep_days?: number;         // not a vigil.yaml option: EVENT_STORE_KEEP_DAYS applies
}

/** Days the event files are kept (not a vigil.yaml option). */
export const EVENT_STORE_KEEP_DAYS = 7;

/** The folder of the event files when vigil.yaml does not say, relative to the config's folder. */
export const EVENT_STORE_DEFAULT_DIR = 'data/events';

export const eventStoreSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'the local event files, written when no elasticsearch is configured',
  properties: {
    dir: { ...nonEmptyStr, default: `./${EVENT_STORE_DEFAULT_DIR}`, description: `folder of the event files: \`events-YYYY-MM-DD.ndjson\`, one a day, kept ${EVENT_STORE_KEEP_DAYS} days` },
  },
} as const;

/** The default: `data/events` under `base`. */
export function defaultEventStore(base: string): EventStoreConfig {
  return { dir: path.join(base, EVENT_STORE_DEFAULT_DIR) };
}

/** The `event_store` section (already checked against the schema) with its default filled in. */
export function buildEventStore(ctx: ConfigContext, raw: unknown): EventStoreConfig {
  return { dir: ctx.read.file(asObj(raw).dir, defaultEventStore(ctx.baseDir).dir) };
}
