import type { EventDoc } from '../event';

/**
 * One event as one NDJSON line, its id first: `{"_id":"…","@timestamp":…}`. The local event store
 * and the disk spool both write this; the Elasticsearch shipper splits it back into id and source
 * without parsing the document.
 */
export function encodeRecord(id: string, doc: EventDoc): string {
  const body = JSON.stringify(doc);
  return body.length > 2 ? `{"_id":${JSON.stringify(id)},${body.slice(1)}\n` : `{"_id":${JSON.stringify(id)}}\n`;
}

const ID_PREFIX = Buffer.from('{"_id":"');

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
