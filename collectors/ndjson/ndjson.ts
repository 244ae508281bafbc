/**
 * The NDJSON line normaliser (SPEC section 2): one line of a log file -> one ECS-shaped event.
 * Called by the file collector for every line, so it is written for speed: one decode, one JSON.parse,
 * one pass over the root keys (a walk of nested objects only to find dotted keys), no regex and no Date
 * in the common path. It never throws.
 *
 * Tags Vigil may add (in this order): vigil_json_parse_failure | vigil_json_not_object | vigil_json_too_deep,
 * vigil_truncated, vigil_invalid_utf8, vigil_timestamp_missing, vigil_ecs_conflict
 * (and vigil_normalise_failure, which only an internal error can produce).
 * The shaping rules themselves are documented in ./ecs-shape.ts and src/core/timestamp.ts.
 */
import { isUtf8 } from 'node:buffer';
import type { EventDoc } from '../../src/core/event';
import {
  F_CONFLICT,
  F_INVALID_UTF8,
  F_TOO_DEEP,
  F_NORMALISE_FAILURE,
  F_NOT_OBJECT,
  F_PARSE_FAILURE,
  F_TRUNCATED,
  lineState,
} from './line-state';
import type { Obj } from './json-objects';
import { beginLine, shapeObject } from './ecs-shape';
import { rawLineDoc } from './raw-line';
import { shapeWithPlan } from './shape-plans';
import type { enrichWindowsEvent as EnrichWindowsEvent } from '../windows-event/enrich';
import { lastTimestampInput } from '../../src/core/timestamp';

export interface NdjsonLineContext {
  hostName: string;         // host.name when the line has none
  path: string;             // log.file.path
  offset: number;           // log.offset (byte offset of the line start)
  dataset: string;          // event.dataset when the line has none
  timestampField?: string;  // configured timestamp field (dotted path allowed); else auto-detect
  truncated: boolean;       // the collector cut the line at its size limit -> tag "vigil_truncated"
  ingested: string;         // ISO time for event.ingested (collector passes one per span)
}

export interface NdjsonStats {
  parseFailures: number;
  /** valid JSON nested deeper than MAX_NESTING, kept as text */
  tooDeep: number;
  conflicts: number;
  truncated: number;
  invalidUtf8: number;
}

export function newNdjsonStats(): NdjsonStats {
  return { parseFailures: 0, tooDeep: 0, conflicts: 0, truncated: 0, invalidUtf8: 0 };
}

/** Deepest nesting of objects and arrays a line may have to be shaped (deeper: kept as text, tag vigil_json_too_deep). */
export const MAX_NESTING = 1000;

/**
 * Whether the JSON text nests objects/arrays deeper than `max` (brackets inside strings do not count).
 * Only lines longer than 2 * max characters with more than `max` opening brackets can, so the usual
 * lines are never scanned character by character (the brackets are counted with indexOf).
 */
function nestingExceeds(json: string, max: number): boolean {
  let brackets = 0;
  for (let i = json.indexOf('{'); i !== -1 && brackets <= max; i = json.indexOf('{', i + 1)) brackets++;
  for (let i = json.indexOf('['); i !== -1 && brackets <= max; i = json.indexOf('[', i + 1)) brackets++;
  if (brackets <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

let enrichWindows: typeof EnrichWindowsEvent | undefined;

/**
 * The Windows enrichment, loaded with the first Windows event a file brings (its tables are most of the
 * normaliser's code: a daemon or worker that reads application logs only never loads them).
 */
function windowsEnrichment(): typeof EnrichWindowsEvent {
  enrichWindows ??= (require('../windows-event/enrich') as { enrichWindowsEvent: typeof EnrichWindowsEvent }).enrichWindowsEvent;
  return enrichWindows;
}

/** Longest `error.message` kept for a JSON parse failure. */
const MAX_ERROR_TEXT = 200;

function parseErrorText(e: unknown): string {
  let m = e instanceof Error ? e.message : String(e);
  if (m.length > MAX_ERROR_TEXT) m = m.slice(0, MAX_ERROR_TEXT - 3) + '...';
  return m;
}

/**
 * Whether the line just normalised had a usable time of its own (its `@timestamp`); false when the
 * event got ingest time (not JSON, no timestamp field, or one that does not parse). Read it right
 * after the call: the next line resets it.
 */
export function lineHadTime(): boolean {
  return lineState.timed;
}

/**
 * Normalises one line. `line` is the raw bytes of the line without its "\n" (a trailing "\r" is dropped
 * here). The returned document is new; the buffer is not retained.
 */
export function normaliseNdjsonLine(line: Buffer, ctx: NdjsonLineContext, stats?: NdjsonStats): EventDoc {
  let end = line.length;
  if (end > 0 && line[end - 1] === 13) end--;
  // (no-argument toString() and an undefined encoding are Node's shortest paths to utf8Slice)
  const text = end === line.length ? line.toString() : end === 0 ? '' : line.toString(undefined, 0, end);
  // U+FFFD is either in the line (valid) or the decoder's replacement for bad bytes: check the bytes
  // only then. (A one-byte string cannot contain it, so ASCII lines cost nothing here.)
  const invalidUtf8 = text.indexOf('\uFFFD') !== -1 && !isUtf8(line.subarray(0, end));
  return normaliseDecoded(text, invalidUtf8, ctx, stats);
}

/**
 * Normalises one line already decoded from pure ASCII bytes (the collector's fast path: it decodes a
 * whole chunk at once when the chunk is ASCII, and slices lines out of the string). A trailing "\r"
 * is dropped here.
 */
export function normaliseNdjsonAscii(text: string, ctx: NdjsonLineContext, stats?: NdjsonStats): EventDoc {
  if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  return normaliseDecoded(text, false, ctx, stats);
}

function normaliseDecoded(text: string, invalidUtf8: boolean, ctx: NdjsonLineContext, stats?: NdjsonStats): EventDoc {
  try {
    beginLine();
    if (ctx.truncated) {
      lineState.flags |= F_TRUNCATED;
      if (stats) stats.truncated++;
    }
    if (invalidUtf8) {
      lineState.flags |= F_INVALID_UTF8;
      if (stats) stats.invalidUtf8++;
    }
    let json = text;
    if (json.charCodeAt(0) === 0xfeff) json = json.slice(1); // BOM (first line of a file)
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      lineState.flags |= F_PARSE_FAILURE;
      if (stats) stats.parseFailures++;
      return rawLineDoc(text, ctx, parseErrorText(e));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      lineState.flags |= F_NOT_OBJECT;
      return rawLineDoc(text, ctx, undefined);
    }
    // nesting that deep cannot be serialised again (JSON.stringify recurses): every sink would fail on it
    if (json.length > 2 * MAX_NESTING && nestingExceeds(json, MAX_NESTING)) {
      lineState.flags |= F_TOO_DEEP;
      if (stats) stats.tooDeep++;
      return rawLineDoc(text, ctx, `JSON nested deeper than ${MAX_NESTING} levels: kept as text`);
    }
    // (a configured timestamp field is looked up after expansion: the general shaping)
    const tf = ctx.timestampField;
    const doc = tf === undefined || tf === '' ? shapeWithPlan(parsed as Obj, ctx) : shapeObject(parsed as Obj, ctx);
    // a Winlogbeat-shaped Windows event (a Winlogbeat or NXLog JSON export) is enriched as a live one; it
    // keeps its time as written, at full precision, in winlog.time_created (not read from every line: a
    // property read on every parsed line costs more than it seems)
    const winlog = doc.winlog;
    if (typeof winlog === 'object' && winlog !== null && !Array.isArray(winlog)) {
      const raw = lineState.timed ? lastTimestampInput() : undefined;
      windowsEnrichment()(doc, { timeCreated: typeof raw === 'string' ? raw : undefined });
    }
    if (stats && lineState.flags & F_CONFLICT) stats.conflicts++;
    return doc;
  } catch (e) {
    // Not expected (a bug, or pathological nesting): keep the line rather than lose it.
    try {
      lineState.flags |= F_NORMALISE_FAILURE;
      lineState.timed = false;
      return rawLineDoc(text, ctx, parseErrorText(e));
    } catch {
      return { '@timestamp': String(ctx?.ingested), message: text, tags: ['vigil_normalise_failure'] };
    }
  }
}
