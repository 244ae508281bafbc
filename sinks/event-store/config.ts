/**
 * The event store's options (vigil.yaml `event_store:`: the local NDJSON event files, used when no
 * elasticsearch is configured): the resolved shape with its default, its JSON Schema, its validation.
 */
import * as path from 'node:path';
import { asObj, nonEmptyStr, type ConfigContext } from '../../src/core/config-kit';

export interface EventStoreConfig {
  dir: string;                // default ./data/events
  keep_days?: number;
}

export const eventStoreSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { dir: nonEmptyStr },
} as const;

/** The default: `data/events` under `base`. */
export function defaultEventStore(base: string): EventStoreConfig {
  return { dir: path.join(base, 'data', 'events') };
}

/** The `event_store` section (already checked against the schema) with its default filled in. */
export function buildEventStore(ctx: ConfigContext, raw: unknown): EventStoreConfig {
  return { dir: ctx.read.file(asObj(raw).dir, defaultEventStore(ctx.baseDir).dir) };
}
