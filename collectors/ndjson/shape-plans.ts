/**
 * Compiled shape plans: the lines of a log file repeat a few key layouts (pino's `level,time,pid,
 * hostname,…`, an ECS logger's `@timestamp,log.level,message,…`), and for such a layout the event
 * `shapeObject` builds has the same structure every time. A plan is a function compiled for one key
 * layout that builds that event directly, as one object literal, from the parsed line: no walk over
 * the keys, no decision per key, no property added one at a time.
 *
 * A plan is an optimisation only, never a second definition of the shaping:
 * - It covers the common case only: root keys that are ordinary fields (any value, objects and arrays
 *   too, as long as no key inside them has a dot), dotted keys without collisions, one timestamp
 *   field, `level`/`log.level`, `message`/`msg`, `hostname`, `pid`, scalar `user`, `service` or
 *   `process`, and `event.*`/`host.*` objects built from dotted keys. Anything else in a layout
 *   (errors, tags, Serilog, several timestamp fields, objects under the keys the shaping reads, …)
 *   means no plan for it.
 * - Every value the shaping would treat differently (a dotted key inside an object, an object where
 *   the shaping reads a scalar, a time that does not parse, an unknown level, an empty host name, …)
 *   fails the plan's guards, and `shapeObject` builds that line.
 * - Each plan's first VERIFY_FIRST lines and every VERIFY_EVERY-th line after them are also built by
 *   `shapeObject` and compared as JSON; a plan that ever differs is dropped for good (the line gets
 *   `shapeObject`'s event).
 * Plans are used only when no timestamp field is configured and the line has no tag yet.
 */
import type { EventDoc } from '../../src/core/event';
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';
import { lineState } from './line-state';
import { shapeObject } from './ecs-shape';
import { compilePlan, TIMESTAMP_KEYS } from './plan-compiler';
import { PLAN_HELPERS as HELPERS, type PlanFn } from './plan-helpers';

interface Layout {
  keys: string[];
  seen: number;
  /** the compiled plan; null until compiled, and for good when the layout has none */
  fn: PlanFn | null;
  /** no plan will be compiled for this layout (it has none, or one differed) */
  settled: boolean;
  uses: number;
  /** the layout has a timestamp field: a plan's event always has the line's own time (else it refuses the line) */
  timed: boolean;
}

/** Layouts by their first key. */
const LAYOUTS = new Map<string, Layout[]>();
let layoutCount = 0;
/** Layouts kept (a file whose lines all differ fills this, is cleared, and runs on `shapeObject`). */
const MAX_LAYOUTS = 512;
/** Layouts with more keys get no plan. */
const MAX_PLAN_KEYS = 64;
/** A layout is compiled when it is seen this many times (a one-off layout is not worth compiling). */
const COMPILE_AFTER = 2;
const VERIFY_FIRST = 16;
const VERIFY_EVERY = 4096;

/** Counts for tests and the curious: lines built by plans, plans compiled, plans that differed. */
export const planStats = { planned: 0, compiled: 0, dropped: 0 };

/** Forgets every layout and plan (tests). */
export function resetShapePlans(): void {
  LAYOUTS.clear();
  layoutCount = 0;
}

/**
 * The event for `src` as `shapeObject` would build it. Call with `lineState` freshly begun for
 * the line (`beginLine`) and no timestamp field configured.
 */
export function shapeWithPlan(src: Obj, ctx: NdjsonLineContext): EventDoc {
  if (lineState.flags !== 0) return shapeObject(src, ctx);
  const layout = layoutOf(src);
  if (layout === null) return shapeObject(src, ctx);
  const fn = layout.fn;
  if (fn === null) {
    if (layout.settled || ++layout.seen < COMPILE_AFTER) return shapeObject(src, ctx);
    layout.settled = true;
    layout.fn = compilePlan(layout.keys, src);
    if (layout.fn === null) return shapeObject(src, ctx);
    planStats.compiled++;
    return verified(layout, src, ctx);
  }
  const n = ++layout.uses;
  if (n <= VERIFY_FIRST || n % VERIFY_EVERY === 0) return verified(layout, src, ctx);
  let doc: EventDoc | undefined;
  try {
    doc = fn(src, ctx, HELPERS);
  } catch {
    drop(layout); // not expected: a plan only reads the line's values
  }
  if (doc === undefined) return shapeObject(src, ctx);
  planStats.planned++;
  lineState.timed = layout.timed;
  return doc;
}

/** Builds the line both ways; drops the plan if they differ. Returns `shapeObject`'s event. */
function verified(layout: Layout, src: Obj, ctx: NdjsonLineContext): EventDoc {
  let planned: EventDoc | undefined;
  try {
    planned = layout.fn!(src, ctx, HELPERS);
  } catch {
    drop(layout);
  }
  const doc = shapeObject(src, ctx);
  if (planned !== undefined && (lineState.flags !== 0 || JSON.stringify(planned) !== JSON.stringify(doc))) drop(layout);
  return doc;
}

function drop(layout: Layout): void {
  layout.fn = null;
  planStats.dropped++;
}

/** The line's layout (its keys in order), remembered; null for an empty object or too many layouts at once. */
function layoutOf(src: Obj): Layout | null {
  let first: string | undefined;
  for (const k in src) {
    first = k;
    break;
  }
  if (first === undefined) return null;
  let list = LAYOUTS.get(first);
  if (list !== undefined) {
    for (let j = 0; j < list.length; j++) {
      const l = list[j];
      const keys = l.keys;
      let i = 0;
      let same = true;
      for (const k in src) {
        if (keys[i] !== k) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === keys.length) return l;
    }
  }
  if (layoutCount >= MAX_LAYOUTS) {
    LAYOUTS.clear();
    layoutCount = 0;
    list = undefined;
  }
  const keys: string[] = [];
  for (const k in src) keys.push(k);
  const l: Layout = { keys, seen: 0, fn: null, settled: keys.length > MAX_PLAN_KEYS, uses: 0, timed: keys.some((k) => TIMESTAMP_KEYS.has(k)) };
  if (list === undefined) LAYOUTS.set(first, [l]);
  else list.push(l);
  layoutCount++;
  return l;
}
