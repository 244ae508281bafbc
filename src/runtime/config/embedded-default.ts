/** The configuration used when no vigil.yaml is given (SPEC section 5), and the defaults of the root sections. */
import * as path from 'node:path';
import { defaultControl } from '../../control/config';
import { INPUT_TYPES, SINK_TYPES } from '../components';
import type { VigilConfig } from './types';

export const EMBEDDED_SOURCE = '<embedded default>';

export const DEFAULT_PIPELINE: VigilConfig['pipeline'] = {
  max_inflight_events: 20000,
  batch_size: 1000,
  flush_interval_ms: 200,
  checkpoint_interval_ms: 1000,
};

/** The configuration used when no vigil.yaml is given (SPEC section 5), relative to `cwd`. */
export function embeddedDefaultConfig(cwd: string = process.cwd()): VigilConfig {
  const base = path.resolve(cwd);
  const stateDir = path.join(base, 'data', 'state');
  return {
    source: EMBEDDED_SOURCE,
    state_dir: stateDir,
    rules: path.join(base, 'rules.yaml'),
    inputs: [INPUT_TYPES.file.defaults(base)],
    event_store: SINK_TYPES.event_store.defaults(base),
    outbox_dir: path.join(base, 'data', 'outbox'),
    control: defaultControl(stateDir),
    logging: { level: 'info' },
    pipeline: { ...DEFAULT_PIPELINE },
  };
}
