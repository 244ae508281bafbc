/**
 * Sub-objects that most events of a read share as they are: event {ingested, dataset}, host {name},
 * log.file {path} and agent {type}. One frozen object serves every line with the same values (no
 * allocation per line); frozen, so that a change to one event can never show up in another.
 * Used by the general shaping and by the compiled plans alike.
 */
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';

export const AGENT: Obj = Object.freeze({ type: 'vigil' }) as Obj;
let sharedEvent: Obj = Object.freeze({ ingested: '', dataset: '' }) as Obj;
// the last two host names: a file whose lines name their host only sometimes (pino's `hostname`) alternates
// between the line's name and the collector's, and a freeze costs as much as shaping a few fields
let sharedHost: Obj = Object.freeze({ name: '' }) as Obj;
let previousHost: Obj = sharedHost;
let sharedFile: Obj = Object.freeze({ path: '' }) as Obj;

export function eventOf(ctx: NdjsonLineContext): Obj {
  const e = sharedEvent;
  if (e.ingested === ctx.ingested && e.dataset === ctx.dataset) return e;
  return (sharedEvent = Object.freeze({ ingested: ctx.ingested, dataset: ctx.dataset }) as Obj);
}

export function hostOf(name: string): Obj {
  if (sharedHost.name === name) return sharedHost;
  const h = previousHost.name === name ? previousHost : (Object.freeze({ name }) as Obj);
  previousHost = sharedHost;
  sharedHost = h;
  return h;
}

export function fileOf(path: string): Obj {
  return sharedFile.path === path ? sharedFile : (sharedFile = Object.freeze({ path }) as Obj);
}
