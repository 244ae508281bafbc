/**
 * The level phase: the line's `log.level` (read into a level name, or moved to `vigil.original` when
 * it is none), else its `level`, else Serilog's `@l`; a Serilog line without one is `info`. The level
 * is returned, not written: ./shape-vigil-fields.ts writes it with the rest of `log`.
 */
import { isPlainObject, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { conflictAt } from './vigil-original';
import { logLevelName } from './level-names';
import { RootKeys, picked } from './root-keys';

const P_LOG_LEVEL = ['log', 'level'];

export function shapeLevel(doc: Obj, keys: RootKeys): string | undefined {
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
  if (keys & RootKeys.Level) {
    const level = picked.level;
    const n = lvl === undefined ? logLevelName(level) : undefined;
    if (n !== undefined) lvl = n;
    else putBack(doc, 'level', level);
  }
  if (keys & RootKeys.AtL) {
    const atL = picked.atL;
    const n = lvl === undefined ? logLevelName(atL) : undefined;
    if (n !== undefined) lvl = n;
    else putBack(doc, '@l', atL);
  }
  if (lvl === undefined && keys & (RootKeys.AtT | RootKeys.AtM | RootKeys.AtMt)) lvl = 'info'; // a Serilog line
  return lvl;
}
