/**
 * The registry of input types: vigil.yaml `inputs[].type` → how its collector is made. The daemon
 * builds every collector through it and afterwards knows them only as Collectors (src/core/contracts).
 * A new input type is one entry here (and its collectors/<type>/config.ts in src/config/inputs.ts).
 */
import type { Collector } from '../core/contracts/collector';
import type { CollectorDeps } from '../core/contracts/collector-deps';
import type { InputConfig } from './config/types';
import { FileCollector } from '../../collectors/file/file-collector';
import { EvtxCollector } from '../../collectors/evtx/evtx-collector';

type InputOf<T extends InputConfig['type']> = Extract<InputConfig, { type: T }>;

interface InputType<T extends InputConfig['type']> {
  create(cfg: InputOf<T>, deps: CollectorDeps): Collector;
}

export const INPUT_TYPES: { [T in InputConfig['type']]: InputType<T> } = {
  file: { create: (cfg, deps) => new FileCollector(cfg, deps) },
  // the live Windows Event Log, read through wevtutil: loaded only when configured
  winevt: {
    create: (cfg, deps) => {
      const { WinevtCollector } = require('../../collectors/winevt/winevt-collector') as typeof import('../../collectors/winevt/winevt-collector');
      return new WinevtCollector(cfg, deps);
    },
  },
  // exported or copied .evtx files, on any OS
  evtx: { create: (cfg, deps) => new EvtxCollector(cfg, deps) },
};

/** The collector of one configured input. */
export function createCollector(input: InputConfig, deps: CollectorDeps): Collector {
  const type = INPUT_TYPES[input.type] as InputType<InputConfig['type']> | undefined;
  if (!type) throw new Error(`input "${input.id}": unknown input type "${input.type}"`);
  return type.create(input, deps);
}
