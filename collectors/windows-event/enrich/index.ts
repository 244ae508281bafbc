import type { EventDoc } from '../../../src/core/event';
import { enrichAllChannels } from './all-channels';
import { addTag, isObj } from './doc-fields';
import { ENRICH_MODULES } from './modules';
import type { Winlog } from './types';

/** The tag of an event whose enrichment failed part way (a bug; the event is kept). */
export const ENRICH_FAILURE_TAG = 'vigil_windows_enrich_failure';

/**
 * The one enrichment stage of Windows events (SPEC section 2): every document that carries `winlog.*`,
 * from a live channel (collectors/winevt), an `.evtx` file (collectors/evtx) or an NDJSON line that
 * already holds Winlogbeat-shaped `winlog.*` (collectors/ndjson), goes through it, so the three give the
 * same document. First what all channels get (./all-channels.ts), then each module of ./modules.ts whose
 * channel and provider it is (as Winlogbeat's `security`, `sysmon` and `powershell` modules).
 *
 * `timeCreated` is the event's TimeCreated/@SystemTime as read (full precision), when the caller has it
 * and the document has no `winlog.time_created` yet; it is used only when it is the document's
 * `@timestamp` to the millisecond. The document is changed in place and returned.
 * Enriching a document twice gives the same document.
 */
export function enrichWindowsEvent(doc: EventDoc, opts: { timeCreated?: string } = {}): EventDoc {
  if (!isObj(doc.winlog)) return doc;
  const winlog: Winlog = Object.isExtensible(doc.winlog) ? doc.winlog : (doc.winlog = { ...doc.winlog });
  try {
    enrichAllChannels(doc, winlog, opts.timeCreated);
    const channel = typeof winlog.channel === 'string' ? winlog.channel : '';
    const provider = typeof winlog.provider_name === 'string' ? winlog.provider_name : '';
    for (const m of ENRICH_MODULES) if (m.applies(channel, provider)) m.enrich(doc, winlog);
  } catch (e) {
    // not expected (a bug): the event is kept as far as it got, and says so
    addTag(doc, ENRICH_FAILURE_TAG);
    if (!isObj(doc.error)) doc.error = { message: `Windows event enrichment failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return doc;
}

export type { EnrichModule, Winlog } from './types';
