/**
 * The `@timestamp` phase: the configured timestamp field, else the first of `@timestamp`, `timestamp`,
 * `time`, `ts`, `@t` that parses (src/core/timestamp.ts), else the ingest time (rules in the header of
 * ./ecs-shape.ts). The field used is removed; the other candidates stay as ordinary fields, except a
 * line's `@timestamp`, which is Vigil's and goes to `vigil.original`.
 */
import type { NdjsonLineContext } from './ndjson';
import { isPlainObject, own, type Obj } from './json-objects';
import { F_TS_MISSING, lineState } from './line-state';
import { putBack, splitKey } from './dotted-keys';
import { addOriginal, conflictAt } from './vigil-original';
import { parseTimestamp } from '../../src/core/timestamp';
import { RootKeys, picked } from './root-keys';

const TS_CANDIDATES = ['@timestamp', 'timestamp', 'time', 'ts', '@t'];
const P_TIMESTAMP = ['@timestamp'];

// the line's scratch: the time found, the candidate it came from, the first candidate that did not parse
let tsVal: string | undefined;
let tsFrom: string | null;
let badFrom: string | null;

export function shapeTimestamp(doc: Obj, keys: RootKeys, ctx: NdjsonLineContext): void {
  const atTimestamp = keys & RootKeys.AtTimestamp ? picked.atTimestamp : undefined;
  let timestamp = keys & RootKeys.Timestamp ? picked.timestamp : undefined;
  let time = keys & RootKeys.Time ? picked.time : undefined;
  let ts = keys & RootKeys.Ts ? picked.ts : undefined;
  let atT = keys & RootKeys.AtT ? picked.atT : undefined;
  tsVal = undefined;
  tsFrom = null;
  badFrom = null;
  const tf = ctx.timestampField;
  if (tf === undefined || tf === '') {
    candidate('@timestamp', atTimestamp);
    candidate('timestamp', timestamp);
    candidate('time', time);
    candidate('ts', ts);
    candidate('@t', atT);
  } else if (TS_CANDIDATES.indexOf(tf) !== -1) {
    candidate(tf, tf === '@timestamp' ? atTimestamp : tf === 'timestamp' ? timestamp : tf === 'time' ? time : tf === 'ts' ? ts : atT);
  } else {
    // a configured (possibly dotted) path: resolved in the document built so far; the root
    // candidates are ordinary fields then (except @timestamp, which is Vigil's).
    if (timestamp !== undefined) { putBack(doc, 'timestamp', timestamp); timestamp = undefined; }
    if (time !== undefined) { putBack(doc, 'time', time); time = undefined; }
    if (ts !== undefined) { putBack(doc, 'ts', ts); ts = undefined; }
    if (atT !== undefined) { putBack(doc, '@t', atT); atT = undefined; }
    configuredField(doc, tf);
  }
  disposeCandidate(doc, '@timestamp', atTimestamp);
  disposeCandidate(doc, 'timestamp', timestamp);
  disposeCandidate(doc, 'time', time);
  disposeCandidate(doc, 'ts', ts);
  disposeCandidate(doc, '@t', atT);
  if (tsVal === undefined && badFrom !== null) lineState.flags |= F_TS_MISSING;
  const expandedTs = doc['@timestamp'];
  if (expandedTs !== undefined) conflictAt(P_TIMESTAMP, expandedTs); // from a key like "@timestamp.x"
  doc['@timestamp'] = tsVal !== undefined ? tsVal : ctx.ingested;
  lineState.timed = tsVal !== undefined;
}

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

/** The configured field `tf` (not a root candidate) looked up in the document, and consumed. */
function configuredField(doc: Obj, tf: string): void {
  const segs = timestampFieldSegs(tf);
  let parent: Obj | undefined = doc;
  for (let i = 0; i < segs.length - 1 && parent !== undefined; i++) {
    const next: unknown = own(parent, segs[i]);
    parent = isPlainObject(next) ? next : undefined;
  }
  if (parent === undefined || segs.length === 0) return;
  const leaf = segs[segs.length - 1];
  const v = own(parent, leaf);
  if (v === undefined || v === null) return;
  const p = parseTimestamp(v);
  delete parent[leaf]; // consumed (or kept in vigil.original below)
  if (p !== undefined) tsVal = p;
  else {
    badFrom = tf;
    addOriginal(segs, v);
  }
}

let tfKey = '';
let tfSegs: string[] = [];
function timestampFieldSegs(tf: string): string[] {
  if (tf !== tfKey) {
    tfSegs = splitKey(tf);
    tfKey = tf;
  }
  return tfSegs;
}

/** What happens to a timestamp candidate that did not become @timestamp. */
function disposeCandidate(doc: Obj, name: string, v: unknown): void {
  if (v === undefined || name === tsFrom) return;
  if (tsVal === undefined && name === badFrom) {
    addOriginal([name], v); // vigil_timestamp_missing is set by shapeTimestamp
    return;
  }
  if (name === '@timestamp') {
    if (v !== null) conflictAt(P_TIMESTAMP, v);
    return;
  }
  putBack(doc, name, v);
}
