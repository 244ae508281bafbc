/**
 * The error phase: `error` and pino/bunyan's `err` into ECS `error` (an error object's `stack` and
 * `name` become `stack_trace` and `type`, a string becomes `error.message`), zap's `stacktrace` and
 * Serilog's `@x` into `error.stack_trace` when that is free.
 */
import { isPlainObject, setOwn, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { ensureObj, moveScalar } from './ecs-objects';
import { RootKeys, picked } from './root-keys';

export function shapeError(doc: Obj, keys: RootKeys): void {
  const error = keys & RootKeys.Error ? picked.error : undefined;
  const err = keys & RootKeys.Err ? picked.err : undefined;
  if (error !== undefined && error !== null) {
    if (isPlainObject(error)) putBack(doc, 'error', ecsError(error));
    else moveScalar(doc, 'error', 'message', error);
    if (err !== undefined) putBack(doc, 'err', err);
  } else if (err !== undefined) {
    if (isPlainObject(err)) putBack(doc, 'error', ecsError(err));
    else if (typeof err === 'string') moveScalar(doc, 'error', 'message', err);
    else putBack(doc, 'err', err);
    if (error === null) putBack(doc, 'error', null);
  } else if (error === null) {
    putBack(doc, 'error', null);
  }
  if (keys & RootKeys.Stacktrace) stackTrace(doc, 'stacktrace', picked.stacktrace);
  if (keys & RootKeys.AtX) stackTrace(doc, '@x', picked.atX);
}

/** A stack trace under its source key `key`: `error.stack_trace` when it is a string and that is free. */
function stackTrace(doc: Obj, key: string, v: unknown): void {
  const e = doc.error;
  if (typeof v === 'string' && !(isPlainObject(e) && e.stack_trace !== undefined)) {
    ensureObj(doc, 'error').stack_trace = v;
  } else putBack(doc, key, v);
}

/** Error object of pino/bunyan (`{type|name, message, stack}`) -> ECS error fields (a new object). */
function ecsError(src: Obj): Obj {
  const e: Obj = {};
  const hasStackTrace = src.stack_trace !== undefined;
  const hasType = src.type !== undefined;
  for (const k in src) {
    const v = src[k];
    if (k === 'stack' && !hasStackTrace && typeof v === 'string') e.stack_trace = v;
    else if (k === 'name' && !hasType && typeof v === 'string') e.type = v;
    else setOwn(e, k, v);
  }
  return e;
}
