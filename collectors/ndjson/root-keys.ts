/**
 * The first phase of the shaping: one pass over the line's root keys. Every key goes into the
 * document (dotted keys expanded) except those the later phases read (timestamps, message, level,
 * error, the scalars that move to an ECS leaf, …): these are picked, and the phases read them here.
 *
 * Built for the hot path: the picked values go into one object that serves every line (a new object
 * per line costs its allocation), and a bit per key says which of its fields hold this line's value,
 * so nothing is cleared between lines (a field without its bit holds an earlier line's value, or
 * nothing, and is never read). Reading the values again from the line instead would cost a lookup
 * per key, a slow one for lines whose key layouts all differ.
 */
import { isPlainObject, type Obj } from './json-objects';
import { expandRootValue, placeRootDotted, putBack } from './dotted-keys';

/** The root keys a line has that the phases read, one bit each (30 bits: a small integer for V8). */
export const enum RootKeys {
  AtTimestamp = 1 << 0,
  Timestamp = 1 << 1,
  Time = 1 << 2,
  Ts = 1 << 3,
  AtT = 1 << 4,
  Message = 1 << 5,
  Msg = 1 << 6,
  AtM = 1 << 7,
  AtMt = 1 << 8,
  AtR = 1 << 9,
  Level = 1 << 10,
  AtL = 1 << 11,
  AtX = 1 << 12,
  Stacktrace = 1 << 13,
  Caller = 1 << 14,
  /** bunyan's `src`, only in its exact `{file, line, func}` shape */
  Src = 1 << 15,
  Hostname = 1 << 16,
  Pid = 1 << 17,
  Err = 1 << 18,
  Error = 1 << 19,
  Tags = 1 << 20,
  // the ones below only when their value is not an object (an object is an ordinary field)
  Host = 1 << 21,
  User = 1 << 22,
  Service = 1 << 23,
  Process = 1 << 24,
  Source = 1 << 25,
  Destination = 1 << 26,
  Agent = 1 << 27,
  Event = 1 << 28,
  Log = 1 << 29,
  // the keys of the phases that most lines do not need: shapeObject runs them only for a line with one
  ErrorKeys = Error | Err | Stacktrace | AtX,
  OriginKeys = Caller | Src,
  MovedKeys = Host | User | Service | Process | Pid | Source | Destination,
}

/** The picked values (each valid only where the line's RootKeys has its bit), and `touched`. */
class PickedKeys {
  atTimestamp: unknown = undefined;
  timestamp: unknown = undefined;
  time: unknown = undefined;
  ts: unknown = undefined;
  atT: unknown = undefined;
  message: unknown = undefined;
  msg: unknown = undefined;
  atM: unknown = undefined;
  atMt: unknown = undefined;
  atR: unknown = undefined;
  level: unknown = undefined;
  atL: unknown = undefined;
  atX: unknown = undefined;
  stacktrace: unknown = undefined;
  caller: unknown = undefined;
  src: unknown = undefined;
  hostname: unknown = undefined;
  pid: unknown = undefined;
  err: unknown = undefined;
  error: unknown = undefined;
  tags: unknown = undefined;
  host: unknown = undefined;
  user: unknown = undefined;
  service: unknown = undefined;
  process: unknown = undefined;
  source: unknown = undefined;
  destination: unknown = undefined;
  agent: unknown = undefined;
  event: unknown = undefined;
  log: unknown = undefined;
  /** the document holds keys created by dotted-key expansion (a later write must merge with them) */
  touched = false;
}

export const picked = new PickedKeys();

/** bunyan's `src` (`{file, line, func}`, with `src: true`): only exactly that shape is mapped. */
function isBunyanSrc(v: unknown): boolean {
  if (!isPlainObject(v) || typeof v.file !== 'string') return false;
  for (const k in v) if (k !== 'file' && k !== 'line' && k !== 'func') return false;
  return true;
}

/** Picks the root keys of `src` the phases read (into `picked`), puts the others into `doc`. */
export function pickRootKeys(src: Obj, doc: Obj): RootKeys {
  const p = picked;
  let keys = 0;
  let touched = false;
  for (const key in src) {
    const v = src[key];
    switch (key) {
      case '@timestamp': keys |= RootKeys.AtTimestamp; p.atTimestamp = v; continue;
      case 'timestamp': keys |= RootKeys.Timestamp; p.timestamp = v; continue;
      case 'time': keys |= RootKeys.Time; p.time = v; continue;
      case 'ts': keys |= RootKeys.Ts; p.ts = v; continue;
      case '@t': keys |= RootKeys.AtT; p.atT = v; continue;
      case 'message': keys |= RootKeys.Message; p.message = v; continue;
      case 'msg': keys |= RootKeys.Msg; p.msg = v; continue;
      case 'level': keys |= RootKeys.Level; p.level = v; continue;
      case 'hostname': keys |= RootKeys.Hostname; p.hostname = v; continue;
      case 'pid': keys |= RootKeys.Pid; p.pid = v; continue;
      case 'err': keys |= RootKeys.Err; p.err = v; continue;
      case 'error': keys |= RootKeys.Error; p.error = v; continue;
      case 'tags': keys |= RootKeys.Tags; p.tags = v; continue;
      case '@m': keys |= RootKeys.AtM; p.atM = v; continue;
      case '@mt': keys |= RootKeys.AtMt; p.atMt = v; continue;
      case '@r': keys |= RootKeys.AtR; p.atR = v; continue;
      case '@l': keys |= RootKeys.AtL; p.atL = v; continue;
      case '@x': keys |= RootKeys.AtX; p.atX = v; continue;
      case 'stacktrace': keys |= RootKeys.Stacktrace; p.stacktrace = v; continue;
      case 'caller': keys |= RootKeys.Caller; p.caller = v; continue;
      case 'src': if (isBunyanSrc(v)) { keys |= RootKeys.Src; p.src = v; continue; } break;
      case 'host': if (!isPlainObject(v)) { keys |= RootKeys.Host; p.host = v; continue; } break;
      case 'user': if (!isPlainObject(v)) { keys |= RootKeys.User; p.user = v; continue; } break;
      case 'service': if (!isPlainObject(v)) { keys |= RootKeys.Service; p.service = v; continue; } break;
      case 'process': if (!isPlainObject(v)) { keys |= RootKeys.Process; p.process = v; continue; } break;
      case 'source': if (!isPlainObject(v)) { keys |= RootKeys.Source; p.source = v; continue; } break;
      case 'destination': if (!isPlainObject(v)) { keys |= RootKeys.Destination; p.destination = v; continue; } break;
      case 'agent': if (!isPlainObject(v)) { keys |= RootKeys.Agent; p.agent = v; continue; } break;
      case 'event': if (!isPlainObject(v)) { keys |= RootKeys.Event; p.event = v; continue; } break;
      case 'log': if (!isPlainObject(v)) { keys |= RootKeys.Log; p.log = v; continue; } break;
      case '__proto__':
        putBack(doc, key, v);
        continue;
    }
    if (key.indexOf('.') !== -1 || key.length === 0) {
      placeRootDotted(doc, key, v);
      touched = true;
      continue;
    }
    if (touched) {
      putBack(doc, key, v);
    } else {
      if (typeof v === 'object' && v !== null) expandRootValue(key, v);
      doc[key] = v;
    }
  }
  p.touched = touched;
  return keys;
}
