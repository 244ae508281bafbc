/**
 * The `message` phase: the line's own `message`, else the first usable of `msg`, Serilog's `@m` and
 * rendered `@mt`, Docker's `log` (one trailing newline dropped) and structlog's string `event`; a
 * source key not used stays an ordinary field (`log` goes to `vigil.original`, `event` to
 * `event.action`).
 */
import { isPlainObject, type Obj } from './json-objects';
import { putBack } from './dotted-keys';
import { addOriginal, conflictAt } from './vigil-original';
import { moveScalar } from './ecs-objects';
import { renderMessageTemplate } from './serilog-template';
import { RootKeys, picked } from './root-keys';

const P_MESSAGE = ['message'];

export function shapeMessage(doc: Obj, src: Obj, keys: RootKeys): void {
  const touched = picked.touched;
  const message = keys & RootKeys.Message ? picked.message : undefined;
  const msg = keys & RootKeys.Msg ? picked.msg : undefined;
  let haveMsg = false;
  if (message !== undefined) {
    if (isPlainObject(message)) conflictAt(P_MESSAGE, message);
    else if (touched) putBack(doc, 'message', message);
    else doc.message = message;
    haveMsg = message !== null && !isPlainObject(message);
  }
  if (msg !== undefined) {
    if (!haveMsg && msg !== null && !isPlainObject(msg)) {
      if (touched) putBack(doc, 'message', msg);
      else doc.message = msg;
      haveMsg = true;
    } else putBack(doc, 'msg', msg);
  }
  if (keys & (RootKeys.AtM | RootKeys.AtMt | RootKeys.AtR)) haveMsg = serilogMessage(doc, src, keys, haveMsg);
  const log = keys & RootKeys.Log ? picked.log : undefined;
  if (log !== undefined && log !== null) {
    if (!haveMsg) {
      let m = log;
      if (typeof m === 'string' && m.charCodeAt(m.length - 1) === 10) {
        m = m.slice(0, m.charCodeAt(m.length - 2) === 13 ? -2 : -1);
      }
      putBack(doc, 'message', m);
      haveMsg = true;
    } else addOriginal(['log'], log);
  }
  const event = keys & RootKeys.Event ? picked.event : undefined;
  if (event !== undefined && event !== null) {
    if (!haveMsg && typeof event === 'string') putBack(doc, 'message', event);
    moveScalar(doc, 'event', 'action', event);
  }
}

/** Serilog's `@m`, `@mt` (rendered with `@r`) and `@r`: the message when there is none yet. Returns haveMsg. */
function serilogMessage(doc: Obj, src: Obj, keys: RootKeys, haveMsg: boolean): boolean {
  const atM = keys & RootKeys.AtM ? picked.atM : undefined;
  const atMt = keys & RootKeys.AtMt ? picked.atMt : undefined;
  let atR = keys & RootKeys.AtR ? picked.atR : undefined;
  if (atM !== undefined) {
    if (!haveMsg && typeof atM === 'string') {
      putBack(doc, 'message', atM);
      haveMsg = true;
    } else putBack(doc, '@m', atM);
  }
  if (atMt !== undefined) {
    if (!haveMsg && typeof atMt === 'string') {
      putBack(doc, 'message', renderMessageTemplate(atMt, src, atR));
      haveMsg = true;
      atR = undefined; // consumed with the template
    } else putBack(doc, '@mt', atMt);
  }
  if (atR !== undefined) putBack(doc, '@r', atR);
  return haveMsg;
}
