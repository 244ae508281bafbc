/**
 * What a compiled shape plan (./plan-compiler.ts) calls at run time: the plan function's type and the
 * helpers it is handed, the same functions the general shaping uses.
 */
import type { EventDoc } from '../../src/core/event';
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';
import { MAX_DEPTH as MAX_EXPAND_DEPTH } from './dotted-keys';
import { logLevelName } from './level-names';
import { AGENT, eventOf, fileOf, hostOf } from './shared-objects';
import { parseTimestamp } from '../../src/core/timestamp';

/** A compiled plan: the event for a line of its layout, or undefined when a guard refuses the line. */
export type PlanFn = (src: Obj, ctx: NdjsonLineContext, h: PlanHelpers) => EventDoc | undefined;

export interface PlanHelpers {
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
 * at any depth it walks (MAX_DEPTH of ./dotted-keys.ts) holds a dot or is empty.
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

export const PLAN_HELPERS: PlanHelpers = { clean: leftAsItIs, ts: parseTimestamp, level: logLevelName, hostOf, eventOf, fileOf, AGENT };
