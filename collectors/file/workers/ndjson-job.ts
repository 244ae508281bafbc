/**
 * One job of the NDJSON workers: complete lines of one file, read by the reading thread, turned into their
 * documents' JSON texts (split, normalised, timed, serialised once). Plain data both ways: it goes to a
 * worker as a message and comes back as one. The same function runs in the reading thread when a worker
 * is lost, so a job is never dropped.
 */
import { LineSplitter, type LineHandler } from '../line-splitter';
import { lineHadTime, newNdjsonStats, normaliseNdjsonAscii, normaliseNdjsonLine, type NdjsonLineContext, type NdjsonStats } from '../../ndjson/ndjson';
import { SourceClock } from '../../ndjson/inferred-time';
import type { EventDoc } from '../../../src/core/event';
import { timeMsOf } from '../../../src/core/timestamp';
import { projectDoc, projectionPlan, type Keep } from './doc-projection';

/** A line begun in an earlier read and ended by this one, as the reading thread's splitter gave it. */
export interface CarriedLine {
  line: Uint8Array;
  start: number;
  next: number;
  truncated: boolean;
}

export interface NdjsonJob {
  path: string;
  hostName: string;
  dataset: string;
  timestampField?: string;
  ingested: string;
  maxLineBytes: number;
  first: CarriedLine | null;
  /** complete lines, each ended by its newline; the first starts at byte `base` of the file */
  body: Uint8Array;
  base: number;
  /** the fields the loaded rules read (null: every field): the projections sent back keep those */
  fields: readonly string[] | null;
}

export interface NdjsonResult {
  /** the documents' JSON texts as one JSON array, `[doc,doc,…]` */
  text: string;
  /**
   * What the rules read of each document (`fields`), as one JSON array: one JSON.parse gives them all;
   * null when they read every field (the documents are parsed from `text` then)
   */
  projected: string | null;
  /** per line, two numbers: where its document's text starts in `text`, and where it ends */
  bounds: Uint32Array;
  /** per line: its byte offset in the file (its id and `log.offset`) */
  starts: Float64Array;
  /** per line: its `@timestamp` in epoch ms (NaN: none that parses) */
  times: Float64Array;
  /**
   * The first `unplaced` lines have no time of their own and no line of the job before them had one: they
   * keep ingest time here, and the reading thread gives them its file clock's time if it has one.
   */
  unplaced: number;
  /** the `@timestamp` of the job's last line with a time of its own (undefined: none had one) */
  last: unknown;
  /** the offset after the job's last line */
  end: number;
  stats: NdjsonStats;
}

/** Normalises and serialises the lines of `job`, in order. */
export function runNdjsonJob(job: NdjsonJob): NdjsonResult {
  const stats = newNdjsonStats();
  const clock = new SourceClock();
  const ctx: NdjsonLineContext = {
    hostName: job.hostName, path: job.path, offset: 0, dataset: job.dataset, timestampField: job.timestampField, truncated: false, ingested: job.ingested,
  };
  const texts: string[] = [];
  const plan = planFor(job.fields);
  const projections: EventDoc[] | null = plan === true ? null : [];
  const starts: number[] = [];
  const times: number[] = [];
  let unplaced = 0;
  let end = job.base;
  const onLine: LineHandler = (line, start, next, truncated, text) => {
    ctx.offset = start;
    ctx.truncated = truncated;
    const doc = line === null ? normaliseNdjsonAscii(text!, ctx, stats) : normaliseNdjsonLine(line, ctx, stats);
    if (clock.place(doc, lineHadTime()) === 'ingest') unplaced++;
    texts.push(JSON.stringify(doc));
    if (projections) projections.push(projectDoc(doc, plan));
    starts.push(start);
    times.push(timeMsOf(doc['@timestamp']));
    end = next;
  };
  const f = job.first;
  if (f) onLine(asBuffer(f.line), f.start, f.next, f.truncated);
  if (job.body.length > 0) new LineSplitter(job.maxLineBytes, job.base).push(asBuffer(job.body), onLine);
  const bounds = new Uint32Array(texts.length * 2);
  let at = 1;
  for (let i = 0; i < texts.length; i++) {
    bounds[2 * i] = at;
    at += texts[i].length;
    bounds[2 * i + 1] = at;
    at++; // the comma
  }
  return { text: `[${texts.join(',')}]`, projected: projections && JSON.stringify(projections), bounds, starts: Float64Array.from(starts), times: Float64Array.from(times), unplaced, last: clock.latest, end, stats };
}

/** The plan of the last field list seen (it changes only when the rules are reloaded). */
let lastPlan: { key: string; plan: Keep } | null = null;

function planFor(fields: readonly string[] | null): Keep {
  const key = fields === null ? '\u0000all' : fields.join('\n');
  if (lastPlan?.key !== key) lastPlan = { key, plan: projectionPlan(fields) };
  return lastPlan.plan;
}

/** A Buffer over the same bytes (a message delivers a Buffer as a plain Uint8Array). */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

const noLine: LineHandler = () => undefined;

/** The complete lines of a chunk, cut off for a job. */
export type CutLines = Pick<NdjsonJob, 'first' | 'body' | 'base'>;

/**
 * The most bytes of lines in one job (a line longer goes whole). Small enough that a job's documents' text
 * (the lines grow by the fields the normaliser adds) stays under V8's large-object size in the reading
 * thread, where it lives while its events are in flight: a large object is freed by full collections only,
 * and the resident memory would grow with every read between two of them.
 */
export const JOB_BYTES = 32 * 1024;

/**
 * Cuts `chunk`, the bytes at `splitter`'s position, at its last newline into jobs' lines: the line the
 * splitter carried from earlier reads is ended (and cut to the size limit) by the splitter as usual, the
 * complete lines after it are copied out as they are, in pieces of about `pieceBytes` cut at newlines
 * (the worker's own splitter cuts over-long lines the same way), and the bytes after the last newline are
 * carried on. Empty when the chunk ends no line.
 */
export function cutLines(chunk: Buffer, splitter: LineSplitter, pieceBytes = JOB_BYTES): CutLines[] {
  const last = chunk.lastIndexOf(0x0a);
  if (last < 0) {
    splitter.push(chunk, noLine);
    return [];
  }
  let first: CarriedLine | null = null;
  let from = 0;
  if (splitter.pendingBytes > 0) {
    const nl = chunk.indexOf(0x0a);
    splitter.push(chunk.subarray(0, nl + 1), (line, start, next, truncated) => {
      first = { line: new Uint8Array(line!), start, next, truncated };
    });
    from = nl + 1;
  }
  const base = splitter.lineStart - from; // the file offset of chunk[0]
  const cuts: CutLines[] = [];
  for (let at = from; at <= last || cuts.length === 0;) {
    let to = last + 1;
    if (to - at > pieceBytes) {
      const nl = chunk.lastIndexOf(0x0a, at + pieceBytes - 1);
      to = nl >= at ? nl + 1 : chunk.indexOf(0x0a, at + pieceBytes) + 1;
    }
    const body = new Uint8Array(to - at);
    body.set(chunk.subarray(at, to));
    cuts.push({ first: cuts.length === 0 ? first : null, body, base: base + at });
    at = to;
  }
  splitter.reset(base + last + 1);
  if (last + 1 < chunk.length) splitter.push(chunk.subarray(last + 1), noLine);
  return cuts;
}
