import { securityModule } from './security-module';
import { sysmonModule } from './sysmon/module';
import { powershellModule } from './powershell/module';
import type { EnrichModule } from './types';

/**
 * The per-channel enrichments, in the order they run (each one whose `applies` says yes, after the
 * all-channel stage of ./index.ts). One entry per Winlogbeat module Vigil follows.
 */
export const ENRICH_MODULES: readonly EnrichModule[] = [
  securityModule,
  sysmonModule,
  powershellModule,
];
