/**
 * The part of a document the rules read: what the reading thread parses of a document an NDJSON worker
 * made, instead of the whole of it (the sinks write the whole text). Built from the loaded rules' field
 * list (`EventSelection.fields`, the same the Elasticsearch input fetches as `_source` includes), each path
 * kept whole: a kept field's value is the document's own, objects and arrays under it included. Where a
 * path cannot be followed exactly (a `*` in a segment, an array on the way), the value above it is kept
 * whole: a projection may hold more than the rules read, never less.
 */
import type { EventDoc } from '../../../src/core/event';

/** What to keep of an object: `true` its whole value, else the keys to follow. */
export type Keep = true | Map<string, Keep>;

/** Kept whatever the rules: the event time, and what the rules engine and pipeline read of every file event. */
const ALWAYS = ['@timestamp', 'event.ingested', 'log.offset'];

/** The plan for a field list; null (whole documents: a rule reads every field) keeps everything. */
export function projectionPlan(fields: readonly string[] | null): Keep {
  if (fields === null) return true;
  const root = new Map<string, Keep>();
  for (const f of [...ALWAYS, ...fields]) {
    const segments = f.split('.');
    const star = segments.findIndex((s) => s.includes('*'));
    const path = star < 0 ? segments : segments.slice(0, star);
    if (path.length === 0) return true; // a pattern from the root: every field
    let node: Map<string, Keep> = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const had = node.get(seg);
      if (had === true) break;
      if (i === path.length - 1) { node.set(seg, true); break; }
      if (had === undefined) { const m = new Map<string, Keep>(); node.set(seg, m); node = m; } else node = had;
    }
  }
  return root;
}

/** The document's fields the plan keeps, in the document's order. */
export function projectDoc(doc: EventDoc, plan: Keep): EventDoc {
  if (plan === true) return doc;
  const out: EventDoc = {};
  for (const k in doc) {
    const sub = plan.get(k);
    if (sub === undefined) continue;
    const v = doc[k];
    out[k] = sub === true || v === null || typeof v !== 'object' || Array.isArray(v) ? v : projectDoc(v as EventDoc, sub);
  }
  return out;
}
