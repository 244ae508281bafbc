/**
 * The fields Vigil sets on every event: `event.ingested` and `event.dataset` (the line's own dataset
 * when it is a non-empty string), `log.level` (from ./shape-level.ts), `log.file.path`, `log.offset`,
 * and `agent`. What the line had in their place goes to `vigil.original`.
 */
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';
import { addOriginal, conflictAt } from './vigil-original';
import { ensureObj } from './ecs-objects';
import { AGENT, eventOf, fileOf } from './shared-objects';

const P_LOG_FILE = ['log', 'file'];
const P_LOG_OFFSET = ['log', 'offset'];
const P_EVENT_INGESTED = ['event', 'ingested'];
const P_EVENT_DATASET = ['event', 'dataset'];
const P_AGENT = ['agent'];
const P_AGENT_TYPE = ['agent', 'type'];

/** Sets them. `agent` is the line's root `agent` when it is not an object (kept in vigil.original, no conflict). */
export function shapeVigilFields(doc: Obj, ctx: NdjsonLineContext, lvl: string | undefined, agent: unknown): void {
  const ev = doc.event;
  if (ev === undefined || ev === null) {
    doc.event = eventOf(ctx);
  } else {
    const e = ensureObj(doc, 'event');
    if (e.ingested !== undefined && e.ingested !== null) conflictAt(P_EVENT_INGESTED, e.ingested);
    e.ingested = ctx.ingested;
    const ds = e.dataset;
    if (typeof ds !== 'string' || ds === '') {
      if (ds !== undefined && ds !== null && ds !== '') conflictAt(P_EVENT_DATASET, ds);
      e.dataset = ctx.dataset;
    }
  }

  const lg0 = doc.log;
  if ((lg0 === undefined || lg0 === null) && lvl !== undefined) {
    doc.log = { level: lvl, file: fileOf(ctx.path), offset: ctx.offset };
  } else if (lg0 === undefined || lg0 === null) {
    doc.log = { file: fileOf(ctx.path), offset: ctx.offset };
  } else {
    const lg = ensureObj(doc, 'log');
    if (lvl !== undefined && lg.level === undefined) lg.level = lvl;
    if (lg.file !== undefined && lg.file !== null) conflictAt(P_LOG_FILE, lg.file);
    lg.file = fileOf(ctx.path);
    if (lg.offset !== undefined && lg.offset !== null) conflictAt(P_LOG_OFFSET, lg.offset);
    lg.offset = ctx.offset;
  }

  if (agent !== undefined && agent !== null) addOriginal(P_AGENT, agent); // a scalar: not a conflict (header of ./ecs-shape.ts)
  if (doc.agent === undefined || doc.agent === null) {
    doc.agent = AGENT; // one shared object for the lines without an agent of their own
    return;
  }
  // the line's own agent (a re-shipped Beats event: agent.name, .version, .id stay where Kibana looks for
  // them; a non-object is moved away); only its type is Vigil's, and another type is the conflict
  const a = ensureObj(doc, 'agent');
  const t = a.type;
  if (t !== undefined && t !== null && t !== AGENT.type) conflictAt(P_AGENT_TYPE, t);
  a.type = AGENT.type;
}
