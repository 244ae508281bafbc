import { positionSchema } from '../../src/core/checkpoints/registry-schema';

/**
 * The schema of the event store's write mark ({@link StoreMark}), kept in registry.json under
 * `sinks.event_store`: a day file of the store and a byte offset in it.
 */
export const storeMarkSchema = {
  type: 'object',
  description: 'an object with file and size',
  required: ['file', 'size'],
  properties: {
    file: { type: 'string', pattern: '^[^/\\\\]+$', description: 'a file name of the event store folder' },
    size: positionSchema,
  },
} as const;
