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
 * - `agent.type` belongs to Vigil (`"vigil"`): a scalar `agent` (usually an HTTP user agent) is kept
 *   as `vigil.original.agent` without a conflict tag (the SPEC lists it with the moves); an object
 *   `agent` (e.g. a re-shipped Beats event) stays, its other fields where Kibana looks for them, and only
 *   another `agent.type` goes to `vigil.original.agent.type`, as a conflict (as `event.ingested` does).
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
 * the first of `@timestamp`, `timestamp`, `time`, `ts`, `@t` that PARSES (src/core/timestamp.ts); the
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
 *
 * `shapeObject` runs its phases in order, one file each (./root-keys.ts, then ./shape-*.ts); a phase sees
 * the document as the earlier ones left it (the level phase reads the line's `log.level`, the host phase
 * the `host` the moves made, the timestamp phase a configured field wherever expansion put it, …). The
 * phases most lines have nothing for (error, log.origin, the moves) run only when the line has one of
 * their keys.
 */
import type { EventDoc } from '../../src/core/event';
import type { NdjsonLineContext } from './ndjson';
import type { Obj } from './json-objects';
import { lineState } from './line-state';
import { resetPath } from './dotted-keys';
import { RootKeys, pickRootKeys, picked } from './root-keys';
import { shapeMessage } from './shape-message';
import { shapeLevel } from './shape-level';
import { shapeError } from './shape-error';
import { shapeOrigin } from './shape-origin';
import { moveScalars } from './shape-moves';
import { shapeHostName } from './shape-host';
import { shapeTimestamp } from './shape-timestamp';
import { shapeVigilFields } from './shape-vigil-fields';
import { shapeTags } from './shape-tags';

/** Starts a line: no flags, nothing for `vigil.original`. Called before `shapeObject` or `rawLineDoc`. */
export function beginLine(): void {
  lineState.flags = 0;
  lineState.orig = null;
  lineState.timed = false;
  resetPath();
}

/**
 * Builds the event from a parsed JSON object. `src` is owned by the caller and is not reused afterwards:
 * its nested objects become part of the event (no deep clone).
 */
export function shapeObject(src: Obj, ctx: NdjsonLineContext): EventDoc {
  const doc: Obj = { '@timestamp': undefined };
  const keys = pickRootKeys(src, doc);
  shapeMessage(doc, src, keys);
  const lvl = shapeLevel(doc, keys);
  if (keys & RootKeys.ErrorKeys) shapeError(doc, keys);
  if (keys & RootKeys.OriginKeys) shapeOrigin(doc, keys);
  if (keys & RootKeys.MovedKeys) moveScalars(doc, keys);
  shapeHostName(doc, keys, ctx);
  shapeTimestamp(doc, keys, ctx);
  shapeVigilFields(doc, ctx, lvl, keys & RootKeys.Agent ? picked.agent : undefined);
  shapeTags(doc, keys);
  return doc;
}
