/** The event for a line that is not a JSON object (a parse failure, or valid JSON of another type): the text as its message. */
import type { EventDoc } from '../../src/core/event';
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';
import { lineState, tagsForFlags } from './line-state';

export function rawLineDoc(text: string, ctx: NdjsonLineContext, parseError: string | undefined): EventDoc {
  const doc: Obj = {
    '@timestamp': ctx.ingested,
    message: text,
  };
  if (parseError !== undefined) doc.error = { message: parseError };
  doc.event = { ingested: ctx.ingested, dataset: ctx.dataset };
  doc.host = { name: ctx.hostName };
  doc.agent = { type: 'vigil' };
  doc.log = { file: { path: ctx.path }, offset: ctx.offset };
  doc.tags = tagsForFlags(lineState.flags);
  return doc;
}
