import type { RegistrySections } from '../core/checkpoints/registry-schema';
import { storeMarkSchema } from '../../sinks/event-store/store-mark-schema';
import { engineStateSchema } from '../../rules';

/** The schemas of the parts of registry.json that components keep there, checked when it loads. */
export const REGISTRY_SECTIONS: RegistrySections = {
  sinks: { event_store: storeMarkSchema },
  state: { rules: engineStateSchema },
};
