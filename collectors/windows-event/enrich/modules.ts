import { securityModule } from './security-module';
import type { EnrichModule } from './types';

/**
 * The per-channel enrichments, in the order they run (each one whose `applies` says yes, after the
 * all-channel stage of ./index.ts). One entry per Winlogbeat module Vigil follows.
 */
export const ENRICH_MODULES: readonly EnrichModule[] = [
  securityModule,
];
