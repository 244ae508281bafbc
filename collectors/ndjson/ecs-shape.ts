/**
 * Turns one parsed JSON object (a log line) into the ECS-shaped Vigil event (SPEC section 2):
 * dotted-key expansion, the logger shapes (ECS logging, pino, bunyan, zap, logrus, winston, Serilog
 * compact JSON), the scalar -> object leaf moves and the collision handling.
 *
 * Collision rules (everything that cannot stay where it is goes to `vigil.original.<path>`):
 * - Dotted keys are expanded at every depth (`{"a.b":1,"a":{"c":2}}` -> `{a:{b:1,c:2}}`). When a path
 *   needs an object where the line has a scalar (or the other way round) THE OBJECT WINS and the scalar
 *   is kept under `vigil.original.<path>` (`{"a":1,"a.b":2}` and `{"a.b":2,"a":1}` both give
 *   `{a:{b:2}, vigil:{original:{a:1}}}`), so the result does not depend on key order. Two different
 *   scalars for the same path (`{"a.b":1,"a":{"b":2}}`): the first one in the line stays, the other goes
 *   to `vigil.original`. Each of these tags the event `vigil_ecs_conflict`.
 * - A scalar where ECS has an object moves to the object's natural leaf (SPEC): host -> host.name,
 *   user -> user.name, service -> service.name, process -> process.name, error -> error.message,
 *   level -> log.level, msg -> message, source/destination -> .ip (when it is an IP address) else
 *   .address. These are not conflicts. If the leaf is already taken (`{"user":"a","user.name":"b"}`),
 *   the scalar goes to `vigil.original.<key>` with the conflict tag.
 * - `log` as a scalar is the message (Docker's json-file driver writes `{"log":"...\n","stream":..}`;
 *   one trailing newline is dropped) when the line has no message, else it is kept as
 *   `vigil.original.log` (not a conflict: nothing of the line is lost or misplaced).
 * - `event` as a scalar (judgement call): ECS's `event` is an object, and a string there names what
 *   happened (`{"event":"user_login"}`), which is ECS's `event.action`; so it moves to `event.action`.
 *   structlog (Python) also writes its message under `event`, so when the line has no other message the
 *   string is ALSO used as `message` (a log line without `message` is not searchable by text).
 * - `agent` belongs to Vigil (`agent.type: "vigil"`): a scalar `agent` (usually an HTTP user agent) is kept
 *   as `vigil.original.agent` without a conflict tag (the SPEC lists it with the moves); an object
 *   `agent` (e.g. a re-shipped Beats event) is kept there too, as a conflict.
 * - `host.name` is the line's own (a string), else its `host.hostname`, else pino/bunyan's `hostname`,
 *   else the collector's host name.
 * - Other fields Vigil sets: `event.ingested`, `log.file`, `log.offset` from the line, a non-string (or
 *   empty) `event.dataset`, a non-string `host.name`, an `@timestamp` that is not a time (or any
 *   `@timestamp` when another timestamp field is configured) -> `vigil.original.<field>` + conflict.
 * - Inside `vigil.original` itself nothing is tagged again; a value whose path crosses a scalar
 *   already stored there is dropped (that needs two layers of collisions on the same path).
 * - Empty segments of a dotted key are skipped (`"a..b"` -> `a.b`). Keys that are empty or only dots
 *   (`""`, `"..."`) cannot be indexed by Elasticsearch (it rejects the whole document), so they are
 *   dropped with the conflict tag.
 *
 * @timestamp: the configured field (a dotted path, looked up after expansion) if one is configured, else
 * the first of `@timestamp`, `timestamp`, `time`, `ts`, `@t` that PARSES (see ./timestamp.ts); the
 * field used is removed, the other candidates stay as ordinary fields — except a line's `@timestamp`
 * that was not used, which is Vigil's field and goes to `vigil.original.@timestamp` as a conflict. When
 * candidates are present but none parses: ingest time, tag `vigil_timestamp_missing`, and the first
 * present candidate's raw value under `vigil.original.<field>`. No candidate at all: ingest time, no tag.
 *
 * Source keys consumed by a mapping are removed (`msg`, `time`, `ts`, `@t`, `@l`, `@m`, `@mt`, `@r`, `@x`,
 * `level`, `hostname`, `pid`, `err`, `caller`, `stacktrace`, bunyan's `src`); a source key whose target
 * is already set by the line stays where it was (e.g. `msg` when there is also a `message`). `caller` is
 * only mapped in zap's "file:line" form and `src` only in bunyan's exact `{file, line, func}` form;
 * otherwise they are ordinary fields.
 *
 * Levels: lower case, with these aliases: warning/wrn -> warn, information/informational/inf -> info,
 * err/eror -> error, crit/crt -> critical, emerg -> emergency, dbg -> debug, trc -> trace, vrb -> verbose,
 * ftl -> fatal; numbers >= 10 are pino/bunyan levels by range (10 trace, 20 debug, 30 info, 40 warn,
 * 50 error, 60+ fatal); integers 0-7 are syslog severities (0 emergency, 1 alert, 2 critical, 3 error,
 * 4 warn, 5 notice, 6 info, 7 debug). A Serilog line (`@t`/`@m`/`@mt`) without `@l` is `info`.
 * Serilog `@mt` is rendered by substituting `{Name}` (also `{@Name}`, `{$Name}`, `{Name:fmt}`,
 * `{Name,10}`; `{{`/`}}` escapes) with the line's properties, strings unquoted, objects as JSON, tokens
 * with a format taken from `@r` when present; an unknown property keeps its `{token}`.
 *
 * The normaliser is synchronous and not re-entrant, so the per-line scratch state lives in module
 * variables (no per-line allocation for it).
 */
import { isIP } from 'node:net';
import type { EventDoc } from '../../src/core/event';
import type { NdjsonLineContext } from './ndjson';
import { parseTimestamp } from '../../src/core/timestamp';

export type Obj = Record<string, unknown>;

// ---- tags / per-line flags ---------------------------------------------------------------------

export const TAG_JSON_PARSE_FAILURE = 'vigil_json_parse_failure';
export const TAG_JSON_NOT_OBJECT = 'vigil_json_not_object';
export const TAG_TRUNCATED = 'vigil_truncated';
export const TAG_INVALID_UTF8 = 'vigil_invalid_utf8';
export const TAG_TIMESTAMP_MISSING = 'vigil_timestamp_missing';
export const TAG_ECS_CONFLICT = 'vigil_ecs_conflict';
export const TAG_NORMALISE_FAILURE = 'vigil_normalise_failure';
export const TAG_JSON_TOO_DEEP = 'vigil_json_too_deep';

export const F_PARSE_FAILURE = 1;
export const F_NOT_OBJECT = 2;
export const F_TRUNCATED = 4;
export const F_INVALID_UTF8 = 8;
export const F_TS_MISSING = 16;
export const F_CONFLICT = 32;
export const F_NORMALISE_FAILURE = 64;
export const F_TOO_DEEP = 128;

/**
 * Per-line state: tag flags, the pending `vigil.original` object, and whether the line's own time
 * became `@timestamp` (false: ingest time; the caller may infer a better one, see ./inferred-time.ts).
 */
export const lineState: { flags: number; orig: Obj | null; timed: boolean } = { flags: 0, orig: null, timed: false };

/** Path (segments) of the object currently being expanded/merged; used to name `vigil.original` paths. */
const PATH: string[] = [];
let pathLen = 0; // PATH[0..pathLen) is the current path (setting an array's length is slow)

function pushPath(k: string): void {
  PATH[pathLen++] = k;
}

export function beginLine(): void {
  lineState.flags = 0;
  lineState.orig = null;
  lineState.timed = false;
  pathLen = 0;
}

/** Vigil's tags for the flags, in a fixed order. */
export function tagsForFlags(flags: number): string[] {
  const t: string[] = [];
  if (flags & F_PARSE_FAILURE) t.push(TAG_JSON_PARSE_FAILURE);
  if (flags & F_NOT_OBJECT) t.push(TAG_JSON_NOT_OBJECT);
  if (flags & F_TOO_DEEP) t.push(TAG_JSON_TOO_DEEP);
  if (flags & F_NORMALISE_FAILURE) t.push(TAG_NORMALISE_FAILURE);
  if (flags & F_TRUNCATED) t.push(TAG_TRUNCATED);
  if (flags & F_INVALID_UTF8) t.push(TAG_INVALID_UTF8);
  if (flags & F_TS_MISSING) t.push(TAG_TIMESTAMP_MISSING);
  if (flags & F_CONFLICT) t.push(TAG_ECS_CONFLICT);
  return t;
}

// ---- small helpers ---------------------------------------------------------------------------------

const hasOwn = Object.prototype.hasOwnProperty;

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Obj, k: string): unknown {
  return hasOwn.call(o, k) ? o[k] : undefined;
}

/** o[k] = v, also for the key "__proto__" (JSON.parse makes it an own property; so do we). */
function setOwn(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function markConflict(): void {
  lineState.flags |= F_CONFLICT;
}

const SPLIT_CACHE = new Map<string, string[]>();
const SPLIT_CACHE_MAX = 4096;

/** Splits a dotted key into its non-empty segments (cached: lines of one file repeat their keys). */
function splitKeyCached(k: string): string[] {
  if (k.length > 128) return splitKey(k); // keep the cache small whatever the lines contain
  let segs = SPLIT_CACHE.get(k);
  if (segs === undefined) {
    if (SPLIT_CACHE.size >= SPLIT_CACHE_MAX) SPLIT_CACHE.clear();
    segs = splitKey(k);
    SPLIT_CACHE.set(k, segs);
  }
  return segs;
}

/** Splits a dotted key into its non-empty segments. */
function splitKey(k: string): string[] {
  const parts = k.split('.');
  let empty = false;
  for (let i = 0; i < parts.length; i++) if (parts[i] === '') empty = true;
  return empty ? parts.filter((p) => p !== '') : parts;
}

/** Keeps `value` under `vigil.original.<segs>` (keep-first; nothing is tagged here). */
export function addOriginal(segs: readonly string[], value: unknown): void {
  if (segs.length === 0) return;
  let cur = lineState.orig;
  if (cur === null) cur = lineState.orig = {};
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    const ex = own(cur, k);
    if (isPlainObject(ex)) {
      cur = ex;
    } else if (ex === undefined || ex === null) {
      const o: Obj = {};
      setOwn(cur, k, o);
      cur = o;
    } else {
      return; // a scalar already kept on this path: see the header comment
    }
  }
  const last = segs[segs.length - 1];
  const ex = own(cur, last);
  if (ex === undefined || ex === null) setOwn(cur, last, value);
  else if (isPlainObject(ex) && isPlainObject(value)) {
    for (const k in value) if (own(ex, k) === undefined) setOwn(ex, k, value[k]);
  }
}

/** addOriginal at the current PATH. */
function addOriginalHere(value: unknown): void {
  addOriginal(PATH.slice(0, pathLen), value);
}

/** Keeps a value that collided under `vigil.original.<segs>` and tags the line. */
function conflictAt(segs: readonly string[], value: unknown): void {
  addOriginal(segs, value);
  markConflict();
}

// ---- dotted-key expansion and merging -------------------------------------------------------------

export const MAX_DEPTH = 100;

/** Expands dotted keys in `v` (an object or array) and everything below it. PATH = path of `v`. */
export function expandValue(v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e === 'object' && e !== null) expandValue(e, depth + 1);
    }
  } else if (typeof v === 'object' && v !== null) {
    expandObject(v as Obj, depth);
  }
}

function expandObject(obj: Obj, depth: number): void {
  let dotted: string[] | null = null;
  for (const k in obj) {
    if (k.indexOf('.') !== -1 || k.length === 0) {
      (dotted ??= []).push(k);
      continue;
    }
    const v = obj[k];
    if (typeof v === 'object' && v !== null) {
      pushPath(k);
      expandValue(v, depth + 1);
      pathLen--;
    }
  }
  if (dotted === null) return;
  for (let i = 0; i < dotted.length; i++) {
    const k = dotted[i];
    const v = obj[k];
    delete obj[k];
    placeDotted(obj, k, v, depth);
  }
}

/** Places the value of dotted key `k` into `target` (whose path is PATH). */
function placeDotted(target: Obj, k: string, v: unknown, depth: number): void {
  const segs = splitKeyCached(k); // shared: never modified
  if (segs.length === 0) {
    markConflict(); // "" or "...": not indexable, dropped
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const base = pathLen;
    for (let i = 0; i < segs.length; i++) pushPath(segs[i]);
    expandValue(v, depth + 1);
    pathLen = base;
  }
  placePath(target, segs, v);
}

/** Puts `v` at target[segs...] (target's path is PATH), creating objects; object wins over scalar. */
function placePath(target: Obj, segs: string[], v: unknown): void {
  if (segs.length === 2) {
    // fast path for the usual "log.level" / "service.name": nothing there yet
    const k0 = segs[0];
    const ex0 = own(target, k0);
    if (ex0 === undefined) {
      const o: Obj = {};
      setOwn(o, segs[1], v);
      setOwn(target, k0, o);
      return;
    }
    if (isPlainObject(ex0) && !hasOwn.call(ex0, segs[1])) {
      setOwn(ex0, segs[1], v);
      return;
    }
  }
  const base = pathLen;
  let cur = target;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    const ex = own(cur, k);
    pushPath(k);
    if (isPlainObject(ex)) {
      cur = ex;
      continue;
    }
    if (ex !== undefined && ex !== null) {
      addOriginalHere(ex);
      markConflict();
    }
    const o: Obj = {};
    setOwn(cur, k, o);
    cur = o;
  }
  mergeLeaf(cur, segs[segs.length - 1], v);
  pathLen = base;
}

/** cur[k] = v, merging objects; cur's path is PATH. Object wins; two scalars: first wins. */
function mergeLeaf(cur: Obj, k: string, v: unknown): void {
  pushPath(k);
  const ex = own(cur, k);
  if (ex === undefined || ex === null) {
    setOwn(cur, k, v);
  } else if (v === null || v === ex) {
    // nothing to add
  } else if (isPlainObject(ex)) {
    if (isPlainObject(v)) {
      for (const kk in v) mergeLeaf(ex, kk, v[kk]);
    } else {
      addOriginalHere(v);
      markConflict();
    }
  } else if (isPlainObject(v)) {
    addOriginalHere(ex);
    markConflict();
    setOwn(cur, k, v);
  } else {
    addOriginalHere(v);
    markConflict();
  }
  pathLen--;
}

/** Puts a root-level value back into the document (merging with what expansion created). */
function putBack(doc: Obj, key: string, v: unknown): void {
  pathLen = 0;
  if (typeof v === 'object' && v !== null) {
    pushPath(key);
    expandValue(v, 1);
    pathLen = 0;
  }
  mergeLeaf(doc, key, v);
}

/** The object at doc[key] (an ECS object field), created if absent; a non-object there is moved away. */
function ensureObj(doc: Obj, key: string): Obj {
  const cur = doc[key];
  if (isPlainObject(cur)) return cur;
  const o: Obj = {};
  if (cur !== undefined && cur !== null) conflictAt([key], cur);
  doc[key] = o;
  return o;
}

/** The object at parent[key] (path `path`), created if absent; a non-object there is moved away. */
function ensureChild(parent: Obj, key: string, path: readonly string[]): Obj {
  const cur = parent[key];
  if (isPlainObject(cur)) return cur;
  const o: Obj = {};
  if (cur !== undefined && cur !== null) conflictAt(path, cur);
  parent[key] = o;
  return o;
}

/** A scalar moved to its ECS leaf (`host` -> `host.name`); if the leaf is taken, vigil.original.<key>. */
function moveScalar(doc: Obj, key: string, leaf: string, v: unknown): void {
  const o = ensureObj(doc, key);
  const ex = o[leaf];
  if (ex === undefined || ex === null) o[leaf] = v;
  else if (ex !== v) conflictAt([key], v);
}

// ---- levels ------------------------------------------------------------------------------------------

const LEVELS = new Map<string, string>();
(function initLevels(): void {
  const pairs: Array<[string, string]> = [
    ['trace', 'trace'], ['trc', 'trace'],
    ['debug', 'debug'], ['dbg', 'debug'],
    ['info', 'info'], ['information', 'info'], ['informational', 'info'], ['inf', 'info'],
    ['notice', 'notice'],
    ['warn', 'warn'], ['warning', 'warn'], ['wrn', 'warn'],
    ['error', 'error'], ['err', 'error'], ['eror', 'error'],
    ['critical', 'critical'], ['crit', 'critical'], ['crt', 'critical'],
    ['alert', 'alert'], ['emergency', 'emergency'], ['emerg', 'emergency'],
    ['fatal', 'fatal'], ['ftl', 'fatal'], ['panic', 'panic'], ['dpanic', 'dpanic'],
    ['verbose', 'verbose'], ['vrb', 'verbose'],
  ];
  for (const [k, v] of pairs) {
    LEVELS.set(k, v);
    LEVELS.set(k.toUpperCase(), v);
    LEVELS.set(k[0].toUpperCase() + k.slice(1), v);
  }
})();

const SYSLOG_LEVELS = ['emergency', 'alert', 'critical', 'error', 'warn', 'notice', 'info', 'debug'];

const ANSI_RE = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * A log line's level value (a name, a pino/bunyan number, a syslog severity) -> the lower-case level name
 * for log.level; undefined when it is not a level (object, boolean, ...).
 */
export function logLevelName(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const hit = LEVELS.get(v);
    if (hit !== undefined) return hit;
    let s = v;
    if (s.indexOf('\u001b') !== -1) s = s.replace(ANSI_RE, ''); // winston's colorize()
    s = s.trim().toLowerCase();
    if (s === '') return undefined;
    return LEVELS.get(s) ?? s;
  }
  if (typeof v === 'number') {
    if (v >= 10) {
      if (v < 20) return 'trace';
      if (v < 30) return 'debug';
      if (v < 40) return 'info';
      if (v < 50) return 'warn';
      if (v < 60) return 'error';
      return 'fatal';
    }
    if (v >= 0 && v <= 7 && Math.floor(v) === v) return SYSLOG_LEVELS[v];
    return String(v);
  }
  return undefined;
}

// ---- Serilog message templates ---------------------------------------------------------------------

function renderValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Renders a Serilog message template with the event's properties (see the header comment). */
export function renderMessageTemplate(mt: string, props: Obj, renderings?: unknown): string {
  const r = Array.isArray(renderings) ? renderings : null;
  let rIdx = 0;
  let out = '';
  let last = 0;
  let i = 0;
  const n = mt.length;
  while (i < n) {
    const c = mt.charCodeAt(i);
    if (c === 123 /* { */) {
      if (mt.charCodeAt(i + 1) === 123) {
        out += mt.slice(last, i + 1);
        i += 2;
        last = i;
        continue;
      }
      const close = mt.indexOf('}', i + 1);
      if (close === -1) break;
      let s = i + 1;
      const p = mt.charCodeAt(s);
      if (p === 64 /* @ */ || p === 36 /* $ */) s++;
      let e = s;
      while (e < close && isNameChar(mt.charCodeAt(e))) e++;
      const stop = mt.charCodeAt(e);
      if (e === s || (e !== close && stop !== 58 /* : */ && stop !== 44 /* , */)) {
        i = close + 1; // not a property token: literal text
        continue;
      }
      const hasFormat = mt.indexOf(':', e) !== -1 && mt.indexOf(':', e) < close;
      const name = mt.slice(s, e);
      let rendered: string;
      if (hasFormat && r !== null && rIdx < r.length) rendered = renderValue(r[rIdx]);
      else if (hasOwn.call(props, name)) rendered = renderValue(props[name]);
      else rendered = mt.slice(i, close + 1);
      if (hasFormat) rIdx++;
      out += mt.slice(last, i) + rendered;
      i = close + 1;
      last = i;
      continue;
    }
    if (c === 125 /* } */ && mt.charCodeAt(i + 1) === 125) {
      out += mt.slice(last, i + 1);
      i += 2;
      last = i;
      continue;
    }
    i++;
  }
  return out + mt.slice(last);
}

// ---- log.origin -------------------------------------------------------------------------------------

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

const P_LOG_ORIGIN = ['log', 'origin'];
const P_LOG_FILE = ['log', 'file'];
const P_LOG_OFFSET = ['log', 'offset'];
const P_LOG_LEVEL = ['log', 'level'];
const P_EVENT_INGESTED = ['event', 'ingested'];
const P_EVENT_DATASET = ['event', 'dataset'];
const P_HOST_NAME = ['host', 'name'];
const P_AGENT = ['agent'];
const P_TIMESTAMP = ['@timestamp'];
const P_MESSAGE = ['message'];
const P_TAGS = ['tags'];

/** bunyan's `src` (`{file, line, func}`, with `src: true`): only exactly that shape is mapped. */
function isBunyanSrc(v: unknown): boolean {
  if (!isPlainObject(v) || typeof v.file !== 'string') return false;
  for (const k in v) if (k !== 'file' && k !== 'line' && k !== 'func') return false;
  return true;
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

// ---- configured timestamp field ----------------------------------------------------------------------

let tfKey = '';
let tfSegs: string[] = [];
function timestampFieldSegs(tf: string): string[] {
  if (tf !== tfKey) {
    tfSegs = splitKey(tf);
    tfKey = tf;
  }
  return tfSegs;
}

// scratch for timestamp candidates
let tsVal: string | undefined;
let tsFrom: string | null;
let badFrom: string | null;

function candidate(name: string, v: unknown): void {
  if (tsVal !== undefined || v === undefined || v === null) return;
  const p = parseTimestamp(v);
  if (p !== undefined) {
    tsVal = p;
    tsFrom = name;
  } else if (badFrom === null) {
    badFrom = name;
  }
}

/** What happens to a timestamp candidate that did not become @timestamp. */
function disposeCandidate(doc: Obj, name: string, v: unknown): void {
  if (v === undefined || name === tsFrom) return;
  if (tsVal === undefined && name === badFrom) {
    addOriginal([name], v); // vigil_timestamp_missing is set by the caller
    return;
  }
  if (name === '@timestamp') {
    if (v !== null) conflictAt(P_TIMESTAMP, v);
    return;
  }
  putBack(doc, name, v);
}

const TS_CANDIDATES = ['@timestamp', 'timestamp', 'time', 'ts', '@t'];

// ---- the shaping --------------------------------------------------------------------------------------

/**
 * Builds the event from a parsed JSON object. `src` is owned by the caller and is not reused afterwards:
 * its nested objects become part of the event (no deep clone).
 */
/*
 * Sub-objects that most documents of a read share as they are: event {ingested, dataset}, host {name},
 * log.file {path} and agent {type}. One frozen object serves every line with the same values (no
 * allocation per line); frozen, so that a change to one event can never show up in another.
 */
export const AGENT: Obj = Object.freeze({ type: 'vigil' }) as Obj;
let sharedEvent: Obj = Object.freeze({ ingested: '', dataset: '' }) as Obj;
// the last two host names: a file whose lines name their host only sometimes (pino's `hostname`) alternates
// between the line's name and the collector's, and a freeze costs as much as shaping a few fields
let sharedHost: Obj = Object.freeze({ name: '' }) as Obj;
let previousHost: Obj = sharedHost;
let sharedFile: Obj = Object.freeze({ path: '' }) as Obj;

export function eventOf(ctx: NdjsonLineContext): Obj {
  const e = sharedEvent;
  if (e.ingested === ctx.ingested && e.dataset === ctx.dataset) return e;
  return (sharedEvent = Object.freeze({ ingested: ctx.ingested, dataset: ctx.dataset }) as Obj);
}

export function hostOf(name: string): Obj {
  if (sharedHost.name === name) return sharedHost;
  const h = previousHost.name === name ? previousHost : (Object.freeze({ name }) as Obj);
  previousHost = sharedHost;
  sharedHost = h;
  return h;
}

export function fileOf(path: string): Obj {
  return sharedFile.path === path ? sharedFile : (sharedFile = Object.freeze({ path }) as Obj);
}

export function shapeObject(src: Obj, ctx: NdjsonLineContext): EventDoc {
  const doc: Obj = { '@timestamp': undefined };
  let touched = false; // doc holds keys created by dotted expansion

  let cAtTimestamp: unknown, cTimestamp: unknown, cTime: unknown, cTs: unknown, cAtT: unknown;
  let cMessage: unknown, cMsg: unknown, cAtM: unknown, cAtMt: unknown, cAtR: unknown;
  let cLevel: unknown, cAtL: unknown, cAtX: unknown, cStacktrace: unknown, cCaller: unknown, cSrc: unknown;
  let cHostname: unknown, cPid: unknown, cErr: unknown, cError: unknown, cTags: unknown;
  let cHost: unknown, cUser: unknown, cService: unknown, cProcess: unknown, cSource: unknown;
  let cDestination: unknown, cAgent: unknown, cEvent: unknown, cLog: unknown;

  for (const key in src) {
    const v = src[key];
    switch (key) {
      case '@timestamp': cAtTimestamp = v; continue;
      case 'timestamp': cTimestamp = v; continue;
      case 'time': cTime = v; continue;
      case 'ts': cTs = v; continue;
      case '@t': cAtT = v; continue;
      case 'message': cMessage = v; continue;
      case 'msg': cMsg = v; continue;
      case 'level': cLevel = v; continue;
      case 'hostname': cHostname = v; continue;
      case 'pid': cPid = v; continue;
      case 'err': cErr = v; continue;
      case 'error': cError = v; continue;
      case 'tags': cTags = v; continue;
      case '@m': cAtM = v; continue;
      case '@mt': cAtMt = v; continue;
      case '@r': cAtR = v; continue;
      case '@l': cAtL = v; continue;
      case '@x': cAtX = v; continue;
      case 'stacktrace': cStacktrace = v; continue;
      case 'caller': cCaller = v; continue;
      case 'src':
        if (isBunyanSrc(v)) { cSrc = v; continue; }
        break;
      case 'host': if (!isPlainObject(v)) { cHost = v; continue; } break;
      case 'user': if (!isPlainObject(v)) { cUser = v; continue; } break;
      case 'service': if (!isPlainObject(v)) { cService = v; continue; } break;
      case 'process': if (!isPlainObject(v)) { cProcess = v; continue; } break;
      case 'source': if (!isPlainObject(v)) { cSource = v; continue; } break;
      case 'destination': if (!isPlainObject(v)) { cDestination = v; continue; } break;
      case 'agent': if (!isPlainObject(v)) { cAgent = v; continue; } break;
      case 'event': if (!isPlainObject(v)) { cEvent = v; continue; } break;
      case 'log': if (!isPlainObject(v)) { cLog = v; continue; } break;
      case '__proto__':
        pathLen = 0;
        if (typeof v === 'object' && v !== null) { pushPath(key); expandValue(v, 1); pathLen = 0; }
        mergeLeaf(doc, key, v);
        continue;
    }
    if (key.indexOf('.') !== -1 || key.length === 0) {
      pathLen = 0;
      placeDotted(doc, key, v, 0);
      touched = true;
      continue;
    }
    if (typeof v === 'object' && v !== null) {
      pathLen = 0;
      pushPath(key);
      expandValue(v, 1);
      pathLen = 0;
    }
    if (touched) mergeLeaf(doc, key, v);
    else doc[key] = v;
  }
  pathLen = 0;

  // ---- message ----
  let haveMsg = false;
  if (cMessage !== undefined) {
    if (isPlainObject(cMessage)) conflictAt(P_MESSAGE, cMessage);
    else if (touched) putBack(doc, 'message', cMessage);
    else doc.message = cMessage;
    haveMsg = cMessage !== null && !isPlainObject(cMessage);
  }
  if (cMsg !== undefined) {
    if (!haveMsg && cMsg !== null && !isPlainObject(cMsg)) {
      if (touched) putBack(doc, 'message', cMsg);
      else doc.message = cMsg;
      haveMsg = true;
    } else putBack(doc, 'msg', cMsg);
  }
  const serilog = cAtT !== undefined || cAtM !== undefined || cAtMt !== undefined;
  if (cAtM !== undefined) {
    if (!haveMsg && typeof cAtM === 'string') {
      putBack(doc, 'message', cAtM);
      haveMsg = true;
    } else putBack(doc, '@m', cAtM);
  }
  if (cAtMt !== undefined) {
    if (!haveMsg && typeof cAtMt === 'string') {
      putBack(doc, 'message', renderMessageTemplate(cAtMt, src, cAtR));
      haveMsg = true;
      cAtR = undefined; // consumed with the template
    } else putBack(doc, '@mt', cAtMt);
  }
  if (cAtR !== undefined) putBack(doc, '@r', cAtR);
  if (cLog !== undefined && cLog !== null) {
    if (!haveMsg) {
      let m = cLog;
      if (typeof m === 'string' && m.charCodeAt(m.length - 1) === 10) {
        m = m.slice(0, m.charCodeAt(m.length - 2) === 13 ? -2 : -1);
      }
      putBack(doc, 'message', m);
      haveMsg = true;
    } else addOriginal(['log'], cLog);
  }
  if (cEvent !== undefined && cEvent !== null) {
    if (!haveMsg && typeof cEvent === 'string') {
      putBack(doc, 'message', cEvent);
      haveMsg = true;
    }
    moveScalar(doc, 'event', 'action', cEvent);
  }

  // ---- log.level ----
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
  if (cLevel !== undefined) {
    const n = lvl === undefined ? logLevelName(cLevel) : undefined;
    if (n !== undefined) lvl = n;
    else putBack(doc, 'level', cLevel);
  }
  if (cAtL !== undefined) {
    const n = lvl === undefined ? logLevelName(cAtL) : undefined;
    if (n !== undefined) lvl = n;
    else putBack(doc, '@l', cAtL);
  }
  if (lvl === undefined && serilog) lvl = 'info';

  // ---- error ----
  if (cError !== undefined && cError !== null) {
    if (isPlainObject(cError)) putBack(doc, 'error', ecsError(cError));
    else moveScalar(doc, 'error', 'message', cError);
    if (cErr !== undefined) putBack(doc, 'err', cErr);
  } else if (cErr !== undefined) {
    if (isPlainObject(cErr)) putBack(doc, 'error', ecsError(cErr));
    else if (typeof cErr === 'string') moveScalar(doc, 'error', 'message', cErr);
    else putBack(doc, 'err', cErr);
    if (cError === null) putBack(doc, 'error', null);
  } else if (cError === null) {
    putBack(doc, 'error', null);
  }
  if (cStacktrace !== undefined) {
    const e = doc.error;
    if (typeof cStacktrace === 'string' && !(isPlainObject(e) && e.stack_trace !== undefined)) {
      ensureObj(doc, 'error').stack_trace = cStacktrace;
    } else putBack(doc, 'stacktrace', cStacktrace);
  }
  if (cAtX !== undefined) {
    const e = doc.error;
    if (typeof cAtX === 'string' && !(isPlainObject(e) && e.stack_trace !== undefined)) {
      ensureObj(doc, 'error').stack_trace = cAtX;
    } else putBack(doc, '@x', cAtX);
  }

  // ---- log.origin ----
  if (cCaller !== undefined) {
    const lg = doc.log;
    const taken = isPlainObject(lg) && lg.origin !== undefined && lg.origin !== null;
    const file = typeof cCaller === 'string' && !taken ? parseCaller(cCaller) : undefined;
    if (file !== undefined && file.line !== undefined) {
      ensureChild(ensureObj(doc, 'log'), 'origin', P_LOG_ORIGIN).file = file;
    } else putBack(doc, 'caller', cCaller); // not zap's "file:line": an ordinary field
  }
  if (cSrc !== undefined) {
    const lg = doc.log;
    const s = cSrc as Obj;
    if (!(isPlainObject(lg) && lg.origin !== undefined && lg.origin !== null)) {
      const origin = ensureChild(ensureObj(doc, 'log'), 'origin', P_LOG_ORIGIN);
      const file: Obj = { name: s.file };
      if (typeof s.line === 'number') file.line = s.line;
      origin.file = file;
      if (typeof s.func === 'string') origin.function = s.func;
    } else putBack(doc, 'src', cSrc);
  }

  // ---- scalar -> object leaf moves ----
  if (cHost !== undefined && cHost !== null) {
    moveScalar(doc, 'host', 'name', typeof cHost === 'number' || typeof cHost === 'boolean' ? String(cHost) : cHost);
  }
  if (cUser !== undefined && cUser !== null) moveScalar(doc, 'user', 'name', cUser);
  else if (cUser === null) putBack(doc, 'user', null);
  if (cService !== undefined && cService !== null) moveScalar(doc, 'service', 'name', cService);
  else if (cService === null) putBack(doc, 'service', null);
  if (cProcess !== undefined && cProcess !== null) moveScalar(doc, 'process', 'name', cProcess);
  else if (cProcess === null) putBack(doc, 'process', null);
  if (cPid !== undefined) {
    const p = doc.process;
    if (typeof cPid === 'number' && !(isPlainObject(p) && p.pid !== undefined && p.pid !== null)) {
      if (p === undefined || p === null) doc.process = { pid: cPid };
      else ensureObj(doc, 'process').pid = cPid;
    } else putBack(doc, 'pid', cPid);
  }
  if (cSource !== undefined && cSource !== null) {
    moveScalar(doc, 'source', typeof cSource === 'string' && isIP(cSource) !== 0 ? 'ip' : 'address', cSource);
  } else if (cSource === null) putBack(doc, 'source', null);
  if (cDestination !== undefined && cDestination !== null) {
    moveScalar(doc, 'destination', typeof cDestination === 'string' && isIP(cDestination) !== 0 ? 'ip' : 'address', cDestination);
  } else if (cDestination === null) putBack(doc, 'destination', null);

  // ---- host.name ----
  const hostObj = doc.host;
  if (hostObj === undefined || hostObj === null) {
    let name = ctx.hostName;
    if (typeof cHostname === 'string' && cHostname !== '') {
      name = cHostname;
      cHostname = undefined;
    }
    doc.host = hostOf(name);
  } else {
    const h = ensureObj(doc, 'host');
    const hn = h.name;
    if (typeof hn !== 'string' || hn === '') {
      if (hn !== undefined && hn !== null && hn !== '') conflictAt(P_HOST_NAME, hn);
      const hh = h.hostname; // ECS host.hostname: the line's own machine name is better than ours
      if (typeof hh === 'string' && hh !== '') h.name = hh;
      else if (typeof cHostname === 'string' && cHostname !== '') {
        h.name = cHostname;
        cHostname = undefined;
      } else h.name = ctx.hostName;
    }
  }
  if (cHostname !== undefined) putBack(doc, 'hostname', cHostname);

  // ---- @timestamp ----
  tsVal = undefined;
  tsFrom = null;
  badFrom = null;
  const tf = ctx.timestampField;
  if (tf === undefined || tf === '') {
    candidate('@timestamp', cAtTimestamp);
    candidate('timestamp', cTimestamp);
    candidate('time', cTime);
    candidate('ts', cTs);
    candidate('@t', cAtT);
  } else if (TS_CANDIDATES.indexOf(tf) !== -1) {
    candidate(tf, tf === '@timestamp' ? cAtTimestamp : tf === 'timestamp' ? cTimestamp : tf === 'time' ? cTime : tf === 'ts' ? cTs : cAtT);
  } else {
    // a configured (possibly dotted) path: resolved in the document built so far; the root
    // candidates are ordinary fields then (except @timestamp, which is Vigil's).
    if (cTimestamp !== undefined) { putBack(doc, 'timestamp', cTimestamp); cTimestamp = undefined; }
    if (cTime !== undefined) { putBack(doc, 'time', cTime); cTime = undefined; }
    if (cTs !== undefined) { putBack(doc, 'ts', cTs); cTs = undefined; }
    if (cAtT !== undefined) { putBack(doc, '@t', cAtT); cAtT = undefined; }
    const segs = timestampFieldSegs(tf);
    let parent: Obj | undefined = doc;
    for (let i = 0; i < segs.length - 1 && parent !== undefined; i++) {
      const next: unknown = own(parent, segs[i]);
      parent = isPlainObject(next) ? next : undefined;
    }
    if (parent !== undefined && segs.length > 0) {
      const leaf = segs[segs.length - 1];
      const v = own(parent, leaf);
      if (v !== undefined && v !== null) {
        const p = parseTimestamp(v);
        delete parent[leaf]; // consumed (or kept in vigil.original below)
        if (p !== undefined) tsVal = p;
        else {
          badFrom = tf;
          addOriginal(segs, v);
        }
      }
    }
  }
  disposeCandidate(doc, '@timestamp', cAtTimestamp);
  disposeCandidate(doc, 'timestamp', cTimestamp);
  disposeCandidate(doc, 'time', cTime);
  disposeCandidate(doc, 'ts', cTs);
  disposeCandidate(doc, '@t', cAtT);
  if (tsVal === undefined && badFrom !== null) lineState.flags |= F_TS_MISSING;
  const expandedTs = doc['@timestamp'];
  if (expandedTs !== undefined) conflictAt(P_TIMESTAMP, expandedTs); // from a key like "@timestamp.x"
  doc['@timestamp'] = tsVal !== undefined ? tsVal : ctx.ingested;
  lineState.timed = tsVal !== undefined;

  // ---- Vigil's own fields: event.*, log.*, agent ----
  const ev = doc.event;
  if (ev === undefined || ev === null) {
    doc.event = eventOf(ctx);
  } else {
    const e = ensureObj(doc, 'event');
    if (e.ingested !== undefined && e.ingested !== null) conflictAt(P_EVENT_INGESTED, e.ingested);
    e.ingested = ctx.ingested;
    const ds = e.dataset;
    if (typeof ds !== 'string' || ds === '') {
      if (ds !== undefined && ds !== null && ds !== '') conflictAt(P_EVENT_DATASET, ds);
      e.dataset = ctx.dataset;
    }
  }

  const lg0 = doc.log;
  if ((lg0 === undefined || lg0 === null) && lvl !== undefined) {
    doc.log = { level: lvl, file: fileOf(ctx.path), offset: ctx.offset };
  } else if (lg0 === undefined || lg0 === null) {
    doc.log = { file: fileOf(ctx.path), offset: ctx.offset };
  } else {
    const lg = ensureObj(doc, 'log');
    if (lvl !== undefined && lg.level === undefined) lg.level = lvl;
    if (lg.file !== undefined && lg.file !== null) conflictAt(P_LOG_FILE, lg.file);
    lg.file = fileOf(ctx.path);
    if (lg.offset !== undefined && lg.offset !== null) conflictAt(P_LOG_OFFSET, lg.offset);
    lg.offset = ctx.offset;
  }

  if (cAgent !== undefined && cAgent !== null) addOriginal(P_AGENT, cAgent); // scalar: see header
  const ag = doc.agent;
  if (ag !== undefined && ag !== null) conflictAt(P_AGENT, ag);
  doc.agent = AGENT;

  // ---- tags and vigil.original ----
  if (isPlainObject(cTags)) {
    conflictAt(P_TAGS, cTags);
    cTags = undefined;
  }
  if (touched) {
    const t = doc.tags; // only from a key like "tags.x"
    if (t !== undefined && t !== null) conflictAt(P_TAGS, t); // (overwritten below: the flag is set)
  }
  if (lineState.orig !== null) {
    const orig = lineState.orig;
    const vg = doc.vigil;
    if (!isPlainObject(vg)) {
      if (vg !== undefined && vg !== null) {
        addOriginal(['vigil'], vg);
        markConflict();
      }
      doc.vigil = { original: orig };
    } else {
      const o = vg.original;
      if (isPlainObject(o)) {
        for (const k in orig) if (own(o, k) === undefined) setOwn(o, k, orig[k]);
      } else {
        if (o !== undefined && o !== null) {
          addOriginal(['vigil', 'original'], o);
          markConflict();
        }
        vg.original = orig;
      }
    }
  }
  const flags = lineState.flags;
  if (cTags !== undefined) {
    if (Array.isArray(cTags)) {
      if (flags !== 0) {
        const vt = tagsForFlags(flags);
        for (let i = 0; i < vt.length; i++) if (cTags.indexOf(vt[i]) === -1) cTags.push(vt[i]);
      }
      doc.tags = cTags;
    } else if (cTags === null) {
      doc.tags = flags !== 0 ? tagsForFlags(flags) : null;
    } else {
      const t = tagsForFlags(flags);
      t.unshift(cTags as string);
      doc.tags = t;
    }
  } else if (flags !== 0) {
    doc.tags = tagsForFlags(flags);
  }
  return doc;
}

/** The event for a line that is not a JSON object (parse failure, or valid JSON of another type). */
export function rawLineDoc(text: string, ctx: NdjsonLineContext, parseError: string | undefined): EventDoc {
  const doc: Obj = {
    '@timestamp': ctx.ingested,
    message: text,
  };
  if (parseError !== undefined) doc.error = { message: parseError };
  doc.event = { ingested: ctx.ingested, dataset: ctx.dataset };
  doc.host = { name: ctx.hostName };
  doc.agent = { type: 'vigil' };
  doc.log = { file: { path: ctx.path }, offset: ctx.offset };
  doc.tags = tagsForFlags(lineState.flags);
  return doc;
}
