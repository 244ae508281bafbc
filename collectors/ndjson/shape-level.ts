/**
 * The level phase: the line's `log.level` (read into a level name, or moved to `vigil.original` when
 * it is none), else its `level`, else Serilog's `@l`; a Serilog line without one is `info`. The level
 * is returned, not written: ./shape-vigil-fields.ts writes it with the rest of `log`.
 */
import { isPlainObject, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { conflictAt } from './vigil-original';
import { logLevelName } from './level-names';
import type { RootKeys } from './root-keys';

const P_LOG_LEVEL = ['log', 'level'];

export function shapeLevel(doc: Obj, k: RootKeys): string | undefined {
  let lvl: string | undefined;
  const lineLog = doc.log;
  if (isPlainObject(lineLog) && lineLog.level !== undefined && lineLog.level !== null) {
    const n = logLevelName(lineLog.level);
    if (n === undefined) {
      conflictAt(P_LOG_LEVEL, lineLog.level);
      delete lineLog.level;
    } else {
      lineLog.level = n;
      lvl = n;
    }
  }
  const level = k.level;
  if (level !== undefined) {
    const n = lvl === undefined ? logLevelName(level) : undefined;
    if (n !== undefined) lvl = n;
    else putBack(doc, 'level', level);
  }
  const atL = k.atL;
  if (atL !== undefined) {
    const n = lvl === undefined ? logLevelName(atL) : undefined;
    if (n !== undefined) lvl = n;
    else putBack(doc, '@l', atL);
  }
  if (lvl === undefined && (k.atT !== undefined || k.atM !== undefined || k.atMt !== undefined)) lvl = 'info';
  return lvl;
}
