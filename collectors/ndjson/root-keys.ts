/**
 * The first phase of the shaping: one pass over the line's root keys. The keys the later phases read
 * (timestamps, message, level, error, the scalars that move to an ECS leaf, …) are picked into
 * `RootKeys`; every other key goes into the document, dotted keys expanded.
 */
import { isPlainObject, type Obj } from './json-objects';
import { expandRootValue, placeRootDotted, putBack } from './dotted-keys';

/**
 * The picked root values (undefined: the line has no such key, or it was not picked). One instance
 * serves every line (the shaping is not re-entrant): no allocation per line.
 */
export class RootKeys {
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
  /** bunyan's `src`, only in its exact `{file, line, func}` shape */
  src: unknown = undefined;
  hostname: unknown = undefined;
  pid: unknown = undefined;
  err: unknown = undefined;
  error: unknown = undefined;
  tags: unknown = undefined;
  // the ones below only when they are not objects (an object is an ordinary field)
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

const picked = new RootKeys();

/** bunyan's `src` (`{file, line, func}`, with `src: true`): only exactly that shape is mapped. */
function isBunyanSrc(v: unknown): boolean {
  if (!isPlainObject(v) || typeof v.file !== 'string') return false;
  for (const k in v) if (k !== 'file' && k !== 'line' && k !== 'func') return false;
  return true;
}

/** Picks the root keys of `src` the phases read, puts the others into `doc`. */
export function pickRootKeys(src: Obj, doc: Obj): RootKeys {
  const p = picked;
  p.atTimestamp = p.timestamp = p.time = p.ts = p.atT = undefined;
  p.message = p.msg = p.atM = p.atMt = p.atR = undefined;
  p.level = p.atL = p.atX = p.stacktrace = p.caller = p.src = undefined;
  p.hostname = p.pid = p.err = p.error = p.tags = undefined;
  p.host = p.user = p.service = p.process = p.source = undefined;
  p.destination = p.agent = p.event = p.log = undefined;
  let touched = false;
  for (const key in src) {
    const v = src[key];
    switch (key) {
      case '@timestamp': p.atTimestamp = v; continue;
      case 'timestamp': p.timestamp = v; continue;
      case 'time': p.time = v; continue;
      case 'ts': p.ts = v; continue;
      case '@t': p.atT = v; continue;
      case 'message': p.message = v; continue;
      case 'msg': p.msg = v; continue;
      case 'level': p.level = v; continue;
      case 'hostname': p.hostname = v; continue;
      case 'pid': p.pid = v; continue;
      case 'err': p.err = v; continue;
      case 'error': p.error = v; continue;
      case 'tags': p.tags = v; continue;
      case '@m': p.atM = v; continue;
      case '@mt': p.atMt = v; continue;
      case '@r': p.atR = v; continue;
      case '@l': p.atL = v; continue;
      case '@x': p.atX = v; continue;
      case 'stacktrace': p.stacktrace = v; continue;
      case 'caller': p.caller = v; continue;
      case 'src':
        if (isBunyanSrc(v)) { p.src = v; continue; }
        break;
      case 'host': if (!isPlainObject(v)) { p.host = v; continue; } break;
      case 'user': if (!isPlainObject(v)) { p.user = v; continue; } break;
      case 'service': if (!isPlainObject(v)) { p.service = v; continue; } break;
      case 'process': if (!isPlainObject(v)) { p.process = v; continue; } break;
      case 'source': if (!isPlainObject(v)) { p.source = v; continue; } break;
      case 'destination': if (!isPlainObject(v)) { p.destination = v; continue; } break;
      case 'agent': if (!isPlainObject(v)) { p.agent = v; continue; } break;
      case 'event': if (!isPlainObject(v)) { p.event = v; continue; } break;
      case 'log': if (!isPlainObject(v)) { p.log = v; continue; } break;
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
      expandRootValue(key, v);
      doc[key] = v;
    }
  }
  p.touched = touched;
  return p;
}
