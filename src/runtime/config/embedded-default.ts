/** The configuration used when no vigil.yaml is given (SPEC section 5). */
import * as path from 'node:path';
import { OUTBOX_DEFAULT_DIR } from '../../../sinks/notify/outbox/config';
import { defaultControl } from '../../control/config';
import { INPUT_TYPES, SINK_TYPES } from '../components';
import { DEFAULT_LOG_LEVEL, DEFAULT_PIPELINE, RULES_FILE_DEFAULT, STATE_DIR_DEFAULT } from './root-options';
import type { VigilConfig } from './types';

export const EMBEDDED_SOURCE = '<embedded default>';

/** The configuration used when no vigil.yaml is given (SPEC section 5), relative to `cwd`. */
export function embeddedDefaultConfig(cwd: string = process.cwd()): VigilConfig {
  const base = path.resolve(cwd);
  const stateDir = path.join(base, STATE_DIR_DEFAULT);
  return {
    source: EMBEDDED_SOURCE,
    state_dir: stateDir,
    rules: path.join(base, RULES_FILE_DEFAULT),
    inputs: [INPUT_TYPES.file.defaults(base)],
    event_store: SINK_TYPES.event_store.defaults(base),
    outbox_dir: path.join(base, OUTBOX_DEFAULT_DIR),
    control: defaultControl(stateDir),
    logging: { level: DEFAULT_LOG_LEVEL },
    pipeline: { ...DEFAULT_PIPELINE },
  };
}
