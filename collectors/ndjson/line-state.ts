/**
 * What the normaliser knows about the line it is on: the flags behind Vigil's tags and the values
 * waiting to go under `vigil.original`. The normaliser is synchronous and not re-entrant, so this
 * lives in one module object (no allocation per line); `beginLine` (./ecs-shape.ts) resets it.
 */
import type { Obj } from './json-objects';

export const TAG_JSON_PARSE_FAILURE = 'vigil_json_parse_failure';
export const TAG_JSON_NOT_OBJECT = 'vigil_json_not_object';
export const TAG_TRUNCATED = 'vigil_truncated';
export const TAG_INVALID_UTF8 = 'vigil_invalid_utf8';
export const TAG_TIMESTAMP_MISSING = 'vigil_timestamp_missing';
export const TAG_ECS_CONFLICT = 'vigil_ecs_conflict';
export const TAG_NORMALISE_FAILURE = 'vigil_normalise_failure';
export const TAG_JSON_TOO_DEEP = 'vigil_json_too_deep';

export const F_PARSE_FAILURE = 1;
export const F_NOT_OBJECT = 2;
export const F_TRUNCATED = 4;
export const F_INVALID_UTF8 = 8;
export const F_TS_MISSING = 16;
export const F_CONFLICT = 32;
export const F_NORMALISE_FAILURE = 64;
export const F_TOO_DEEP = 128;

/**
 * Per-line state: tag flags, the pending `vigil.original` object, and whether the line's own time
 * became `@timestamp` (false: ingest time; the caller may infer a better one, see ./inferred-time.ts).
 */
export const lineState: { flags: number; orig: Obj | null; timed: boolean } = { flags: 0, orig: null, timed: false };

export function markConflict(): void {
  lineState.flags |= F_CONFLICT;
}

/** Vigil's tags for the flags, in a fixed order. */
export function tagsForFlags(flags: number): string[] {
  const t: string[] = [];
  if (flags & F_PARSE_FAILURE) t.push(TAG_JSON_PARSE_FAILURE);
  if (flags & F_NOT_OBJECT) t.push(TAG_JSON_NOT_OBJECT);
  if (flags & F_TOO_DEEP) t.push(TAG_JSON_TOO_DEEP);
  if (flags & F_NORMALISE_FAILURE) t.push(TAG_NORMALISE_FAILURE);
  if (flags & F_TRUNCATED) t.push(TAG_TRUNCATED);
  if (flags & F_INVALID_UTF8) t.push(TAG_INVALID_UTF8);
  if (flags & F_TS_MISSING) t.push(TAG_TIMESTAMP_MISSING);
  if (flags & F_CONFLICT) t.push(TAG_ECS_CONFLICT);
  return t;
}
