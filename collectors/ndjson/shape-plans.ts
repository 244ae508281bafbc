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
import { AGENT, MAX_DEPTH as MAX_EXPAND_DEPTH, eventOf, fileOf, hostOf, lineState, logLevelName, shapeObject, type Obj } from './ecs-shape';
import { parseTimestamp } from '../../src/core/timestamp';

type PlanFn = (src: Obj, ctx: NdjsonLineContext, h: PlanHelpers) => EventDoc | undefined;

interface PlanHelpers {
  clean: typeof leftAsItIs;
  ts: typeof parseTimestamp;
  level: typeof logLevelName;
  hostOf: typeof hostOf;
  eventOf: typeof eventOf;
  fileOf: typeof fileOf;
  AGENT: Obj;
}

/**
 * True when the shaping's dotted-key expansion would leave `v` (an object or array) as it is: no key
 * at any depth it walks (MAX_DEPTH, as `expandValue`) holds a dot or is empty.
 */
function leftAsItIs(v: object, depth: number): boolean {
  if (depth > MAX_EXPAND_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (typeof e === 'object' && e !== null && !leftAsItIs(e, depth + 1)) return false;
    }
    return true;
  }
  const o = v as Obj;
  for (const k in o) {
    if (k.length === 0 || k.indexOf('.') !== -1) return false;
    const e = o[k];
    if (typeof e === 'object' && e !== null && !leftAsItIs(e, depth + 1)) return false;
  }
  return true;
}

const HELPERS: PlanHelpers = { clean: leftAsItIs, ts: parseTimestamp, level: logLevelName, hostOf, eventOf, fileOf, AGENT };

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

// ---- the compiler ------------------------------------------------------------------------------------

/** Root keys that the shaping treats specially (or that Vigil writes): a layout with any other than the handled ones has no plan. */
const SPECIAL_ROOTS = new Set([
  '@timestamp', 'timestamp', 'time', 'ts', '@t', 'message', 'msg', 'level', 'hostname', 'pid', 'err', 'error', 'tags',
  '@m', '@mt', '@r', '@l', '@x', 'stacktrace', 'caller', 'src', 'host', 'user', 'service', 'process', 'source',
  'destination', 'agent', 'event', 'log', 'vigil', '__proto__',
]);
/** Of those, the roots a dotted key may start with (the object they make is handled, or left alone by the shaping). */
const DOTTED_ROOTS = new Set(['log', 'event', 'host', 'user', 'service', 'process', 'source', 'destination', 'error']);
const TIMESTAMP_KEYS = new Set(['@timestamp', 'timestamp', 'time', 'ts']);
const MOVED_SCALARS = ['user', 'service', 'process'];

type PlanNode = { leaf: string } | { children: Map<string, PlanNode> };

/** A key segment a plan can write as an object literal key (not empty, not `__proto__`, not an array index). */
function plainSegment(s: string): boolean {
  if (s === '' || s === '__proto__') return false;
  const c = s.charCodeAt(0);
  return !(c >= 48 && c <= 57); // a leading digit: could be an index, which objects order first
}

const lit = (s: string): string => JSON.stringify(s);

/** The guard (true: the plan refuses the line) for a value the shaping uses only as a non-empty string. */
const nonEmptyString = (vn: string): string => `typeof ${vn} !== 'string' || ${vn} === ''`;

/** Puts `expr` at `segs` in the tree; false on a collision (a value where an object is, or the reverse). */
function place(root: Map<string, PlanNode>, segs: string[], expr: string): boolean {
  let cur = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const ex = cur.get(segs[i]);
    if (ex === undefined) {
      const n: PlanNode = { children: new Map() };
      cur.set(segs[i], n);
      cur = n.children;
    } else if ('children' in ex) {
      cur = ex.children;
    } else {
      return false;
    }
  }
  const last = segs[segs.length - 1];
  if (cur.has(last)) return false;
  cur.set(last, { leaf: expr });
  return true;
}

function render(children: Map<string, PlanNode>, extra: string[] = []): string {
  const parts: string[] = [];
  for (const [k, n] of children) parts.push(`${lit(k)}: ${'leaf' in n ? n.leaf : render(n.children)}`);
  parts.push(...extra);
  return `{ ${parts.join(', ')} }`;
}

/**
 * The plan for a layout, or null when the layout has none. `sample` (a line of the layout) gives
 * the value types the plan's guards then require.
 */
export function compilePlan(keys: string[], sample: Obj): PlanFn | null {
  const decl: string[] = [];
  const guards: string[] = [];
  const root = new Map<string, PlanNode>();
  let tsVar: string | null = null;
  let msgVar: string | null = null;
  let sawMessage = false;
  let sawMsg = false;
  let levelVar: string | null = null;       // root `level`
  let logLevelVar: string | null = null;    // `log.level`
  let hostnameVar: string | null = null;
  let pidVar: string | null = null;
  let hostNameVar: string | null = null;    // `host.name`
  let eventDataset = false;
  const moved = new Map<string, string>();
  const dottedRoots = new Set<string>();
  const plainRoots = new Set<string>();

  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = sample[k];
    const vn = `v${i}`;
    decl.push(`const ${vn} = src[${lit(k)}];`);
    const scalar = typeof v !== 'object'; // JSON: string, number or boolean (null, arrays and objects are objects)
    const needScalar = `typeof ${vn} === 'object'`;
    if (TIMESTAMP_KEYS.has(k)) {
      if (tsVar !== null) return null; // several candidates: their order rules apply
      tsVar = vn;
      continue;
    }
    switch (k) {
      case 'message':
      case 'msg':
        if (!scalar) return null;
        if (k === 'message') sawMessage = true; else sawMsg = true;
        msgVar = vn;
        guards.push(needScalar);
        continue;
      case 'level':
        levelVar = vn;
        continue;
      case 'hostname':
        hostnameVar = vn;
        guards.push(nonEmptyString(vn));
        continue;
      case 'pid':
        pidVar = vn;
        guards.push(`typeof ${vn} !== 'number'`);
        continue;
      case 'user':
      case 'service':
      case 'process':
        if (!scalar) return null;
        moved.set(k, vn);
        guards.push(needScalar);
        continue;
    }
    const segs = k.split('.');
    for (const s of segs) if (!plainSegment(s)) return null;
    const r = segs[0];
    // an ordinary field: any value the shaping leaves as it is (an object or array without dotted keys inside, null, a scalar)
    let guard = `(typeof ${vn} === 'object' && ${vn} !== null && !h.clean(${vn}, 1))`;
    if (segs.length === 1) {
      if (SPECIAL_ROOTS.has(r)) return null;
      guards.push(guard);
      plainRoots.add(r);
      if (!place(root, segs, vn)) return null;
      continue;
    }
    if (SPECIAL_ROOTS.has(r) && !DOTTED_ROOTS.has(r)) return null;
    dottedRoots.add(r);
    if (r === 'log') {
      if (segs.length !== 2 || segs[1] !== 'level') return null; // log.file, log.offset, log.origin…: the general shaping
      logLevelVar = vn; // (read through h.level, which refuses whatever is not a level)
      if (!place(root, segs, 'lvl')) return null;
      continue;
    }
    if (r === 'event') {
      if (segs[1] === 'ingested') return null;
      if (segs[1] === 'dataset') {
        if (segs.length !== 2) return null;
        eventDataset = true;
        guard = nonEmptyString(vn);
      }
    }
    if (r === 'host' && segs[1] === 'name') {
      if (segs.length !== 2) return null;
      hostNameVar = vn;
      guard = nonEmptyString(vn);
    }
    guards.push(guard);
    if (!place(root, segs, vn)) return null;
  }

  // combinations the general shaping resolves by its precedence rules: not planned
  if (sawMessage && sawMsg) return null;
  if (levelVar !== null && logLevelVar !== null) return null;
  if (dottedRoots.has('host') && (hostNameVar === null || hostnameVar !== null)) return null;
  for (const r of plainRoots) if (dottedRoots.has(r)) return null;
  for (const m of moved.keys()) if (dottedRoots.has(m)) return null;
  if (pidVar !== null && (moved.has('process') || dottedRoots.has('process'))) return null;

  const body: string[] = [...decl];
  if (guards.length > 0) body.push(`if (${guards.join(' || ')}) return undefined;`);
  if (tsVar !== null) body.push(`const ts = h.ts(${tsVar});`, 'if (ts === undefined) return undefined;');
  const lvlSrc = levelVar ?? logLevelVar;
  if (lvlSrc !== null) body.push(`const lvl = h.level(${lvlSrc});`, 'if (lvl === undefined) return undefined;');

  const logTail = ['"file": h.fileOf(ctx.path)', '"offset": ctx.offset'];
  const fields: string[] = [`"@timestamp": ${tsVar !== null ? 'ts' : 'ctx.ingested'}`];
  for (const [k, n] of root) {
    if (k === 'log') fields.push(`"log": { "level": lvl, ${logTail.join(', ')} }`);
    else if (k === 'event' && 'children' in n) fields.push(`"event": ${render(n.children, eventDataset ? ['"ingested": ctx.ingested'] : ['"ingested": ctx.ingested', '"dataset": ctx.dataset'])}`);
    else fields.push(`${lit(k)}: ${'leaf' in n ? n.leaf : render(n.children)}`);
  }
  if (msgVar !== null) fields.push(`"message": ${msgVar}`);
  for (const m of MOVED_SCALARS) {
    const vn = moved.get(m);
    if (vn !== undefined) fields.push(`${lit(m)}: { "name": ${vn} }`);
  }
  if (pidVar !== null) fields.push(`"process": { "pid": ${pidVar} }`);
  if (!root.has('host')) fields.push(`"host": h.hostOf(${hostnameVar ?? 'ctx.hostName'})`);
  if (!root.has('event')) fields.push('"event": h.eventOf(ctx)');
  if (!root.has('log')) fields.push(levelVar !== null ? `"log": { "level": lvl, ${logTail.join(', ')} }` : `"log": { ${logTail.join(', ')} }`);
  fields.push('"agent": h.AGENT');
  body.push(`return { ${fields.join(', ')} };`);
  try {
    return new Function('src', 'ctx', 'h', body.join('\n')) as PlanFn;
  } catch {
    return null; // code generation disallowed (--disallow-code-generation-from-strings): the general shaping
  }
}
