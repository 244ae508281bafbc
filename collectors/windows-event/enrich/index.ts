import type { EventDoc } from '../../../src/core/event';
import { ENRICHMENT_MODULES } from './modules';

/**
 * The enrichment stage (SPEC section 2): adds the ECS fields Winlogbeat's modules add to an event that
 * carries `winlog.*`, whichever way it came (live channel, `.evtx` record, Winlogbeat-shaped NDJSON
 * line), so that the three give the same document. Each module in ./modules.ts says which channels it
 * applies to; the stage only dispatches. The document is changed in place and returned.
 */
export function enrichWindowsEvent(doc: EventDoc): EventDoc {
  const winlog = doc.winlog;
  if (typeof winlog !== 'object' || winlog === null || Array.isArray(winlog)) return doc;
  const w = winlog as Record<string, unknown>;
  const channel = typeof w.channel === 'string' ? w.channel : '';
  const provider = typeof w.provider_name === 'string' ? w.provider_name : '';
  for (const m of ENRICHMENT_MODULES) if (m.applies(channel, provider)) m.enrich(doc, w);
  return doc;
}
