/**
 * The outbox's options (vigil.yaml `outbox_dir`, `outbox_keep_days`, root keys): their defaults and
 * their pieces of the JSON Schema. The loader resolves `outbox_dir` like every path.
 */
import { nonEmptyStr } from '../../../src/core/config-kit';

/** The outbox folder when vigil.yaml does not say, relative to the config's folder. */
export const OUTBOX_DEFAULT_DIR = 'data/outbox';

/** Days the outbox keeps its records of finished notifications when vigil.yaml does not say. */
export const OUTBOX_KEEP_DAYS = 30;

export const outboxDirSchema = {
  ...nonEmptyStr,
  default: `./${OUTBOX_DEFAULT_DIR}`,
  description: 'the durable alert outbox: pending notifications, then sent/ and failed/; emails as .eml without smtp',
} as const;

export const outboxKeepDaysSchema = {
  type: 'integer',
  minimum: 0,
  default: OUTBOX_KEEP_DAYS,
  description: 'days the records of sent and refused notifications are kept (0: for ever)',
} as const;
