/**
 * The schema of registry.json (see ./registry.ts). The registry owns the envelope and the sources'
 * positions; the parts other components keep in it (a sink's mark under `sinks`, the rules' windows
 * under `state`) are checked with the schemas those components give ({@link RegistrySections}).
 */

/** A byte or record position: what a reader may seek to. */
export const positionSchema = {
  type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER,
  description: 'a non-negative integer',
} as const;

const sourceEntrySchema = {
  type: 'object',
  description: 'an object with offset, meta and seen',
  required: ['offset', 'meta', 'seen'],
  properties: {
    offset: positionSchema,
    meta: { type: 'object', description: 'an object' },
    seen: { type: 'number', minimum: 0, description: 'a time in epoch milliseconds' },
  },
} as const;

/** Schemas of the parts of registry.json that other components own, by their name. */
export interface RegistrySections {
  sinks?: Record<string, object>;
  state?: Record<string, object>;
}

/** The schema of registry.json, with the given components' parts. */
export function registrySchema(sections: RegistrySections = {}): object {
  return {
    type: 'object',
    description: 'a JSON object',
    required: ['version'],
    properties: {
      version: { type: 'integer', const: 1, description: '1 (the registry version this vigil reads)' },
      written: { type: 'string', description: 'a time' },
      sources: { type: 'object', description: 'an object of sources', additionalProperties: sourceEntrySchema },
      sinks: { type: 'object', description: 'an object of sink marks', properties: sections.sinks ?? {} },
      state: { type: 'object', description: 'an object of component states', properties: sections.state ?? {} },
    },
  };
}
