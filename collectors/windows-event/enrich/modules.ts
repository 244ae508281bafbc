import type { EventDoc } from '../../../src/core/event';
import { sysmonModule } from './sysmon/module';
import { powershellModule } from './powershell/module';

/** One enrichment module: the channels it applies to, and what it adds to an event of theirs. */
export interface EnrichmentModule {
  name: string;
  applies(channel: string, provider: string): boolean;
  /** adds fields to `doc`; `winlog` is `doc.winlog` */
  enrich(doc: EventDoc, winlog: Record<string, unknown>): void;
}

/** The modules, in the order they run. */
export const ENRICHMENT_MODULES: EnrichmentModule[] = [sysmonModule, powershellModule];
