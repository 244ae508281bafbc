import type { Span } from '../../src/core/event';
import type { RecordFilterSpec } from '../windows-event/record-filter';
import { decodedChunks } from './decode/decoded-chunks';
import { DecodePool } from './decode/decode-pool';
import { CHUNK_SIZE } from './format/chunk-header';
import { FILE_HEADER_SIZE } from './format/file-header';
import type { EvtxIssue } from './format/types';

/**
 * Positions in an .evtx file are byte offsets: a checkpoint is the file offset of the last
 * acknowledged record + 1, so a resumed read decodes the chunk holding that record again (chunks
 * decode on their own) and skips the records before the checkpoint. Records come in file order.
 */

/** Records per span: the unit acknowledged and checkpointed (the pipeline batches spans for the sinks). */
export const SPAN_RECORDS = 500;

/** The chunks of a file of `size` bytes that are complete. */
export function wholeChunks(size: number): number {
  return Math.max(0, Math.floor((size - FILE_HEADER_SIZE) / CHUNK_SIZE));
}

/** The bytes that the first `chunks` chunks and the file header take. */
export function chunksExtent(chunks: number): number {
  return FILE_HEADER_SIZE + chunks * CHUNK_SIZE;
}

/** The chunk where a read from `position` starts: the one holding the record just before it. */
export function resumeChunk(position: number): number {
  return position <= FILE_HEADER_SIZE ? 0 : Math.floor((position - 1 - FILE_HEADER_SIZE) / CHUNK_SIZE);
}

export interface PassContext {
  /** the checkpoint key of the file's content */
  source: string;
  hostName: string;
  /** hands a span to the pipeline; resolves when there is room for more */
  submit: (span: Span) => Promise<void>;
  /** true while the sinks are full: no new span is started then */
  isFull: () => boolean;
  /** false once the collector stops or pauses: the pass submits what it read and ends */
  proceed: () => boolean;
  /** a short wait while the sinks are full (cut short by a stop) */
  wait: (ms: number) => Promise<void>;
  onIssue: (issue: EvtxIssue) => void;
  spanRecords?: number;
  /** the file identified as this content: a path that holds another one by the time it is opened is not read */
  file?: { dev: number; ino: number };
  /** the records to keep (the input's event_ids, levels, providers); the others are read past, inside the spans */
  filter?: RecordFilterSpec;
  /** decode workers for a pass of at least POOL_MIN_CHUNKS chunks (0 or absent: decoded in this thread) */
  workers?: number;
}

/** A pass over fewer chunks decodes them in this thread: starting workers would take longer. */
export const POOL_MIN_CHUNKS = 8;

export interface PassResult {
  /** the position after the last record read: where the next read of the file goes on */
  next: number;
  records: number;
  /** records read past because the input's filter does not keep them (not in `records`) */
  skipped: number;
  /** of `records`, those from chunks whose checksums failed (their events carry the checksum tag) */
  unverified: number;
  /** read to the end of what was asked (false: stopped early, or the file could not be read) */
  finished: boolean;
  /** why the file could not be read (opened, or read on), if so */
  ioError: string | null;
}

/**
 * Reads one .evtx file from `from` (a checkpoint position) through `chunks` chunks of it (undefined:
 * to its end; 0: only its header is checked), its chunks decoded and mapped as `vigil evtx` does them
 * (on decode workers for a long pass, in file order all the same), and submits the records as spans
 * `[previous end, last record offset + 1)`. Damage is reported through `onIssue` and never stops the pass.
 */
export async function readPass(path: string, from: number, chunks: number | undefined, ctx: PassContext): Promise<PassResult> {
  const firstChunk = resumeChunk(from);
  let ioError: string | null = null;
  const workers = ctx.workers ?? 0;
  const pool = workers > 0 && (chunks === undefined || chunks >= POOL_MIN_CHUNKS) ? new DecodePool(workers) : undefined;
  const reader = decodedChunks(path, {
    firstChunk,
    maxChunks: chunks,
    expectFile: ctx.file,
    onIssue: (issue) => {
      if (issue.kind === 'io') ioError = issue.message;
      ctx.onIssue(issue);
    },
  }, { output: 'events', hostName: ctx.hostName, filter: ctx.filter }, pool);
  const most = ctx.spanRecords ?? SPAN_RECORDS;
  let next = from;
  let records = 0;
  let skipped = 0;
  let unverified = 0;
  let inSpan = 0;
  let finished = true;
  let span: Span | null = null;
  try {
    chunks: for await (const chunk of reader) {
      for (const rec of chunk.events ?? []) {
        if (rec.offset < from) continue; // read (and acknowledged) before: the checkpoint's chunk is decoded again
        if (!span) {
          while (ctx.isFull() && ctx.proceed()) await ctx.wait(5);
          span = { source: ctx.source, start: next, end: next, pending: 0, events: [] };
          inSpan = 0;
        }
        if (rec.doc !== undefined && rec.id !== undefined) {
          span.events.push({ id: rec.id, doc: rec.doc, span });
          records++;
          if (rec.unverified) unverified++;
        } else {
          skipped++;
        }
        span.end = next = rec.offset + 1;
        if (++inSpan >= most) {
          // (counted in records read, kept or not: a span of records filtered out still moves the checkpoint)
          const full = span;
          span = null;
          await ctx.submit(full);
        }
        if (!ctx.proceed()) { finished = false; break chunks; } // leaving the loop closes the file
      }
    }
  } finally {
    await pool?.close();
  }
  if (span) await ctx.submit(span);
  return { next, records, skipped, unverified, finished: finished && ioError === null, ioError };
}
