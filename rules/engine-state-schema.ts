/**
 * The schema of the rules engine's checkpointed state (engine.ts `snapshot`), kept in registry.json
 * under `state.rules`. Each rule's detector and lifecycle state is checked by their `restore`.
 */
export const engineStateSchema = {
  type: 'object',
  description: 'an object with version, processed, newest and rules',
  required: ['version', 'processed', 'newest', 'rules'],
  properties: {
    version: { type: 'integer', const: 1, description: '1 (the rules state version this vigil reads)' },
    processed: {
      type: 'object',
      description: 'an object of positions by source',
      additionalProperties: { type: 'number', minimum: 0, description: 'a non-negative number' },
    },
    newest: { type: 'number', description: 'a time in epoch milliseconds' },
    rules: {
      type: 'object',
      description: 'an object of rule states by rule id',
      additionalProperties: {
        type: 'object',
        description: 'an object with fingerprint, detector and lifecycle',
        required: ['fingerprint', 'detector', 'lifecycle'],
        properties: {
          fingerprint: { type: 'string', description: 'a string' },
          detection: { type: 'string', description: 'a string' },
          detector: { type: 'object', description: 'an object' },
          lifecycle: { type: 'object', description: 'an object' },
        },
      },
    },
  },
} as const;
