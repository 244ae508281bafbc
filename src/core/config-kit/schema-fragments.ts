/**
 * JSON Schema pieces shared by the components' config schemas: value types, and the duration and
 * size definitions that the root schema holds (`#/definitions/duration`, `#/definitions/size`).
 */
import { DURATION_PATTERN, SIZE_PATTERN } from '../units';

export const str = { type: 'string' } as const;
export const nonEmptyStr = { type: 'string', minLength: 1 } as const;
export const duration = { $ref: '#/definitions/duration' } as const;
export const size = { $ref: '#/definitions/size' } as const;
export const posInt = { type: 'integer', minimum: 1 } as const;
export const strList = { type: 'array', items: nonEmptyStr } as const;

export const durationDefinition = {
  type: ['string', 'number'],
  pattern: DURATION_PATTERN,
  minimum: 0,
  description: 'a duration: "500ms", "30s", "5m", "2h", "1d", "1h30m", or a number of seconds',
} as const;

export const sizeDefinition = {
  type: ['string', 'number'],
  pattern: SIZE_PATTERN,
  minimum: 0,
  description: 'a size: "512KB", "1MiB", "1mb", or a number of bytes',
} as const;
