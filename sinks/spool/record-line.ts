import type { EventDoc, PipelineEvent } from '../../src/core/event';
import { eventLine } from '../../src/core/event-line';

/**
 * One event as one NDJSON line, its id first: `{"_id":"…","@timestamp":…}`. The local event store
 * and the disk spool both write this; the Elasticsearch shipper splits it back into id and source
 * without parsing the document.
 */
export function encodeRecord(id: string, doc: EventDoc): string {
  return eventLine(id, JSON.stringify(doc));
}

const ID_PREFIX = Buffer.from('{"_id":"');

/**
 * The records of many events as one buffer, the same bytes as their `encodeRecord` lines joined: each
 * document is serialised once and written straight into the buffer, its opening brace replaced by
 * the comma after the id (no intermediate strings). An event that carries its text (`PipelineEvent.text`)
 * is not serialised again.
 */
export function encodeRecords(events: readonly PipelineEvent[]): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(4096, events.length * 512));
  let pos = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const body = e.text ?? JSON.stringify(e.doc);
    const id = e.id;
    // worst case: every character of the id and the body takes 3 bytes in UTF-8 (the id takes 1: see splitRecord)
    const need = pos + ID_PREFIX.length + id.length + 2 + body.length * 3 + 1;
    if (need > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
      buf.copy(bigger, 0, 0, pos);
      buf = bigger;
    }
    pos += ID_PREFIX.copy(buf, pos);
    pos += buf.write(id, pos, 'latin1');
    buf[pos++] = 0x22; // closing quote of the id
    if (body.length > 2) {
      const at = pos;
      pos += buf.write(body, pos, 'utf8');
      buf[at] = 0x2c; // the body's "{" becomes the comma after the id
    } else {
      buf[pos++] = 0x7d; // an empty document: just the id
    }
    buf[pos++] = 0x0a;
  }
  return buf.subarray(0, pos);
}

/**
 * The id of the record line `buf[start, end)` and where its document's fields start (just after
 * the id's comma), or null when the line is not a record. Ids are written by Vigil and never need
 * JSON escapes.
 */
export function splitRecord(buf: Buffer, start: number, end: number): { id: string; fieldsStart: number } | null {
  if (end - start < ID_PREFIX.length + 2) return null;
  if (buf.compare(ID_PREFIX, 0, ID_PREFIX.length, start, start + ID_PREFIX.length) !== 0) return null;
  const idStart = start + ID_PREFIX.length;
  const q = buf.indexOf(0x22, idStart);
  if (q < 0 || q >= end) return null;
  const after = buf[q + 1];
  return { id: buf.toString('latin1', idStart, q), fieldsStart: after === 0x2c ? q + 2 : q + 1 };
}
