/**
 * The compiler of shape plans (./shape-plans.ts): for one key layout, the JavaScript source of a
 * function that builds the event of a line of that layout as one object literal, with guards that
 * refuse every value the general shaping would treat differently; compiled with `new Function`.
 * It reads the layout's keys once (what each key becomes, which guard it needs), refuses the layouts
 * and key combinations it does not cover, then writes the code.
 */
import type { Obj } from './json-objects';
import type { PlanFn } from './plan-helpers';

/** Root keys that the shaping treats specially (or that Vigil writes): a layout with any other than the handled ones has no plan. */
const SPECIAL_ROOTS = new Set([
  '@timestamp', 'timestamp', 'time', 'ts', '@t', 'message', 'msg', 'level', 'hostname', 'pid', 'err', 'error', 'tags',
  '@m', '@mt', '@r', '@l', '@x', 'stacktrace', 'caller', 'src', 'host', 'user', 'service', 'process', 'source',
  'destination', 'agent', 'event', 'log', 'vigil', '__proto__',
]);
/** Of those, the roots a dotted key may start with (the object they make is handled, or left alone by the shaping). */
const DOTTED_ROOTS = new Set(['log', 'event', 'host', 'user', 'service', 'process', 'source', 'destination', 'error']);
/** The keys a plan takes the line's time from (a layout with one of them gives every planned event its own time). */
export const TIMESTAMP_KEYS = new Set(['@timestamp', 'timestamp', 'time', 'ts']);
const MOVED_SCALARS = ['user', 'service', 'process'];

type PlanNode = { leaf: string } | { children: Map<string, PlanNode> };

/** What the compiler has read of a layout: the code pieces, and the variables holding the keys the shaping reads. */
class LayoutReading {
  readonly decl: string[] = [];
  readonly guards: string[] = [];
  /** the event's fields made from ordinary and dotted keys */
  readonly root = new Map<string, PlanNode>();
  tsVar: string | null = null;
  msgVar: string | null = null;
  sawMessage = false;
  sawMsg = false;
  levelVar: string | null = null;       // root `level`
  logLevelVar: string | null = null;    // `log.level`
  hostnameVar: string | null = null;
  pidVar: string | null = null;
  hostNameVar: string | null = null;    // `host.name`
  eventDataset = false;
  readonly moved = new Map<string, string>();
  readonly dottedRoots = new Set<string>();
  readonly plainRoots = new Set<string>();
}

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
  const r = new LayoutReading();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const vn = `v${i}`;
    r.decl.push(`const ${vn} = src[${lit(k)}];`);
    if (!readKey(r, k, sample[k], vn)) return null;
  }
  if (!plannable(r)) return null;
  try {
    return new Function('src', 'ctx', 'h', planBody(r)) as PlanFn;
  } catch {
    return null; // code generation disallowed (--disallow-code-generation-from-strings): the general shaping
  }
}

/** Reads one key of the layout (its value in the sample is `v`, in the plan the variable `vn`); false: no plan. */
function readKey(r: LayoutReading, k: string, v: unknown, vn: string): boolean {
  const scalar = typeof v !== 'object'; // JSON: string, number or boolean (null, arrays and objects are objects)
  const needScalar = `typeof ${vn} === 'object'`;
  if (TIMESTAMP_KEYS.has(k)) {
    if (r.tsVar !== null) return false; // several candidates: their order rules apply
    r.tsVar = vn;
    return true;
  }
  switch (k) {
    case 'message':
    case 'msg':
      if (!scalar) return false;
      if (k === 'message') r.sawMessage = true; else r.sawMsg = true;
      r.msgVar = vn;
      r.guards.push(needScalar);
      return true;
    case 'level':
      r.levelVar = vn;
      return true;
    case 'hostname':
      r.hostnameVar = vn;
      r.guards.push(nonEmptyString(vn));
      return true;
    case 'pid':
      r.pidVar = vn;
      r.guards.push(`typeof ${vn} !== 'number'`);
      return true;
    case 'user':
    case 'service':
    case 'process':
      if (!scalar) return false;
      r.moved.set(k, vn);
      r.guards.push(needScalar);
      return true;
  }
  return readField(r, k, vn);
}

/** Reads a key that is an ordinary field or a dotted key; false: no plan. */
function readField(r: LayoutReading, k: string, vn: string): boolean {
  const segs = k.split('.');
  for (const s of segs) if (!plainSegment(s)) return false;
  const root = segs[0];
  // an ordinary field: any value the shaping leaves as it is (an object or array without dotted keys inside, null, a scalar)
  let guard = `(typeof ${vn} === 'object' && ${vn} !== null && !h.clean(${vn}, 1))`;
  if (segs.length === 1) {
    if (SPECIAL_ROOTS.has(root)) return false;
    r.guards.push(guard);
    r.plainRoots.add(root);
    return place(r.root, segs, vn);
  }
  if (SPECIAL_ROOTS.has(root) && !DOTTED_ROOTS.has(root)) return false;
  r.dottedRoots.add(root);
  if (root === 'log') {
    if (segs.length !== 2 || segs[1] !== 'level') return false; // log.file, log.offset, log.origin…: the general shaping
    r.logLevelVar = vn; // (read through h.level, which refuses whatever is not a level)
    return place(r.root, segs, 'lvl');
  }
  if (root === 'event') {
    if (segs[1] === 'ingested') return false;
    if (segs[1] === 'dataset') {
      if (segs.length !== 2) return false;
      r.eventDataset = true;
      guard = nonEmptyString(vn);
    }
  }
  if (root === 'host' && segs[1] === 'name') {
    if (segs.length !== 2) return false;
    r.hostNameVar = vn;
    guard = nonEmptyString(vn);
  }
  r.guards.push(guard);
  return place(r.root, segs, vn);
}

/** False for the combinations the general shaping resolves by its precedence rules: not planned. */
function plannable(r: LayoutReading): boolean {
  if (r.sawMessage && r.sawMsg) return false;
  if (r.levelVar !== null && r.logLevelVar !== null) return false;
  if (r.dottedRoots.has('host') && (r.hostNameVar === null || r.hostnameVar !== null)) return false;
  for (const root of r.plainRoots) if (r.dottedRoots.has(root)) return false;
  for (const m of r.moved.keys()) if (r.dottedRoots.has(m)) return false;
  if (r.pidVar !== null && (r.moved.has('process') || r.dottedRoots.has('process'))) return false;
  return true;
}

/** The plan function's body: the reads, the guards, the parsed time and level, then the event as one literal. */
function planBody(r: LayoutReading): string {
  const body: string[] = [...r.decl];
  if (r.guards.length > 0) body.push(`if (${r.guards.join(' || ')}) return undefined;`);
  if (r.tsVar !== null) body.push(`const ts = h.ts(${r.tsVar});`, 'if (ts === undefined) return undefined;');
  const lvlSrc = r.levelVar ?? r.logLevelVar;
  if (lvlSrc !== null) body.push(`const lvl = h.level(${lvlSrc});`, 'if (lvl === undefined) return undefined;');

  const logTail = ['"file": h.fileOf(ctx.path)', '"offset": ctx.offset'];
  const fields: string[] = [`"@timestamp": ${r.tsVar !== null ? 'ts' : 'ctx.ingested'}`];
  for (const [k, n] of r.root) {
    if (k === 'log') fields.push(`"log": { "level": lvl, ${logTail.join(', ')} }`);
    else if (k === 'event' && 'children' in n) fields.push(`"event": ${render(n.children, r.eventDataset ? ['"ingested": ctx.ingested'] : ['"ingested": ctx.ingested', '"dataset": ctx.dataset'])}`);
    else fields.push(`${lit(k)}: ${'leaf' in n ? n.leaf : render(n.children)}`);
  }
  if (r.msgVar !== null) fields.push(`"message": ${r.msgVar}`);
  for (const m of MOVED_SCALARS) {
    const vn = r.moved.get(m);
    if (vn !== undefined) fields.push(`${lit(m)}: { "name": ${vn} }`);
  }
  if (r.pidVar !== null) fields.push(`"process": { "pid": ${r.pidVar} }`);
  if (!r.root.has('host')) fields.push(`"host": h.hostOf(${r.hostnameVar ?? 'ctx.hostName'})`);
  if (!r.root.has('event')) fields.push('"event": h.eventOf(ctx)');
  if (!r.root.has('log')) fields.push(r.levelVar !== null ? `"log": { "level": lvl, ${logTail.join(', ')} }` : `"log": { ${logTail.join(', ')} }`);
  fields.push('"agent": h.AGENT');
  body.push(`return { ${fields.join(', ')} };`);
  return body.join('\n');
}
