import fastJson from 'fast-json-stringify';
import { splitRecord } from '../../src/spool/record-line';

/** `{"create":{"_id":"…"}}`: the action line of every document (the target is in the request path). */
const actionLine = fastJson({
  type: 'object',
  properties: { create: { type: 'object', properties: { _id: { type: 'string' } }, required: ['_id'] } },
  required: ['create'],
});

/** One document of a bulk request: its id and where its record line sits in the spool bytes. */
export interface BulkItem {
  id: string;
  /** the record line in the spool data (without newline), for the dead-letter file */
  start: number;
  end: number;
  /** the document source: `{` + the record's fields after the id */
  fieldsStart: number;
}

/** Splits spool bytes (whole record lines) into items; lines that are not records are returned apart. */
export function itemsOf(data: Buffer): { items: BulkItem[]; bad: Array<{ start: number; end: number }> } {
  const items: BulkItem[] = [];
  const bad: Array<{ start: number; end: number }> = [];
  let start = 0;
  while (start < data.length) {
    let nl = data.indexOf(0x0a, start);
    if (nl < 0) nl = data.length;
    const rec = splitRecord(data, start, nl);
    if (rec) items.push({ id: rec.id, start, end: nl, fieldsStart: rec.fieldsStart });
    else if (nl > start) bad.push({ start, end: nl });
    start = nl + 1;
  }
  return { items, bad };
}

const OPEN = Buffer.from('{');
const NL = Buffer.from('\n');

/** The NDJSON body of a `_bulk` request with `create` for each item, so a resend is a 409, not a second document. */
export function bulkBody(data: Buffer, items: BulkItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const it of items) {
    parts.push(Buffer.from(actionLine({ create: { _id: it.id } })), NL, OPEN, data.subarray(it.fieldsStart, it.end), NL);
  }
  return Buffer.concat(parts);
}

/** The document of an item as an object (for the dead-letter file). */
export function documentOf(data: Buffer, it: BulkItem): unknown {
  try {
    return JSON.parse(`{${data.toString('utf8', it.fieldsStart, it.end)}`);
  } catch {
    return data.toString('utf8', it.start, it.end);
  }
}
