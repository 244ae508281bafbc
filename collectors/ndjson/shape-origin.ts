/**
 * The `log.origin` phase: zap's `caller` in its "file:line" form and bunyan's `src` (`{file, line,
 * func}`) into `log.origin`, when the line has no `log.origin` of its own; otherwise they stay
 * ordinary fields.
 */
import { isPlainObject, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { ensureChild, ensureObj } from './ecs-objects';
import { RootKeys, picked } from './root-keys';

const P_LOG_ORIGIN = ['log', 'origin'];

/** zap's `caller` "pkg/file.go:12" -> { name: "pkg/file.go", line: 12 } (no line when there is no ":N"). */
export function parseCaller(c: string): { name: string; line?: number } {
  const colon = c.lastIndexOf(':');
  if (colon > 0 && colon < c.length - 1) {
    let line = 0;
    let ok = true;
    for (let i = colon + 1; i < c.length; i++) {
      const d = c.charCodeAt(i) - 48;
      if (!(d >= 0 && d <= 9)) {
        ok = false;
        break;
      }
      line = line * 10 + d;
    }
    if (ok) return { name: c.slice(0, colon), line };
  }
  return { name: c };
}

function originTaken(doc: Obj): boolean {
  const lg = doc.log;
  return isPlainObject(lg) && lg.origin !== undefined && lg.origin !== null;
}

export function shapeOrigin(doc: Obj, keys: RootKeys): void {
  if (keys & RootKeys.Caller) {
    const caller = picked.caller;
    const file = typeof caller === 'string' && !originTaken(doc) ? parseCaller(caller) : undefined;
    if (file !== undefined && file.line !== undefined) {
      ensureChild(ensureObj(doc, 'log'), 'origin', P_LOG_ORIGIN).file = file;
    } else putBack(doc, 'caller', caller); // not zap's "file:line": an ordinary field
  }
  if (keys & RootKeys.Src) {
    const bunyan = picked.src as Obj;
    if (!originTaken(doc)) {
      const origin = ensureChild(ensureObj(doc, 'log'), 'origin', P_LOG_ORIGIN);
      const file: Obj = { name: bunyan.file };
      if (typeof bunyan.line === 'number') file.line = bunyan.line;
      origin.file = file;
      if (typeof bunyan.func === 'string') origin.function = bunyan.func;
    } else putBack(doc, 'src', bunyan);
  }
}
