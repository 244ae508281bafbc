import type { EventDoc } from '../../src/core/event';
import { eventFieldsDoc, windowsEventDoc, type WindowsMappingContext } from '../windows-event/event-mapping';
import type { EvtxRecord } from './format/types';

/** The tag of events whose record came from a chunk that failed its checksums (or could not be checked). */
export const EVTX_CHECKSUM_TAG = 'vigil_evtx_checksum_mismatch';

/** The event of one .evtx record: the Windows-event mapping, tagged when the record's bytes are not verified. */
export function evtxRecordDoc(rec: EvtxRecord, ctx: WindowsMappingContext): EventDoc {
  const doc = rec.fields ? eventFieldsDoc(rec.fields, ctx) : windowsEventDoc(rec.tree, ctx);
  if (rec.checksumMismatch) {
    // beside any tag the mapping gave (an enrichment that failed part way)
    if (Array.isArray(doc.tags)) doc.tags.push(EVTX_CHECKSUM_TAG);
    else doc.tags = [EVTX_CHECKSUM_TAG];
  }
  return doc;
}
