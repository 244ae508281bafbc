import fastJson from 'fast-json-stringify';
import { splitRecord } from '../spool/record-line';

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

/**
 * The NDJSON body of a `_bulk` request with `create` for each item, so a resend is a 409, not a
 * second document. One allocation: the action lines are written and the documents copied into it.
 */
export function bulkBody(data: Buffer, items: BulkItem[]): Buffer {
  const actions = new Array<string>(items.length);
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    actions[i] = actionLine({ create: { _id: it.id } });
    size += actions[i].length + 1 + 1 + (it.end - it.fieldsStart) + 1; // action \n { fields \n (ids are ASCII)
  }
  const body = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    o += body.write(actions[i], o, 'latin1');
    body[o++] = 0x0a;
    body[o++] = 0x7b; // {
    o += data.copy(body, o, it.fieldsStart, it.end);
    body[o++] = 0x0a;
  }
  return body;
}

/** The document of an item as an object (for the dead-letter file). */
export function documentOf(data: Buffer, it: BulkItem): unknown {
  try {
    return JSON.parse(`{${data.toString('utf8', it.fieldsStart, it.end)}`);
  } catch {
    return data.toString('utf8', it.start, it.end);
  }
}
