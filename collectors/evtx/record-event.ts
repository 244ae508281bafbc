import type { EventDoc } from '../../src/core/event';
import { windowsDocId, windowsEventDoc } from '../windows-event/event-mapping';
import type { EvtxRecord } from './format/types';

/** What an .evtx record's event is made with besides the record: the host reading it, and when. */
export interface RecordEventContext {
  hostName: string;
  /** event.ingested (ISO 8601) */
  ingested: string;
}

/**
 * The event of one decoded .evtx record: its Winlogbeat-shaped document and deterministic id. The one
 * place records become events, for `vigil evtx`, the evtx input and the decode workers alike.
 */
export function recordEvent(rec: EvtxRecord, ctx: RecordEventContext): { id: string; doc: EventDoc } {
  const doc = windowsEventDoc(rec.tree, { hostName: ctx.hostName, ingested: ctx.ingested });
  return { id: windowsDocId(doc), doc };
}
