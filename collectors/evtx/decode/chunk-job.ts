import type { EventDoc } from '../../../src/core/event';
import { eventLine } from '../../../src/core/event-line';
import { recordFilter, type RecordFilterSpec } from '../../windows-event/record-filter';
import type { XmlElement } from '../../windows-event/xml-tree';
import { chunkRecords } from '../format/chunk-records';
import type { EvtxIssue, EvtxRecord, EvtxStats } from '../format/types';
import { newStats } from '../format/types';
import { windowsDocId } from '../../windows-event/event-mapping';
import { evtxRecordDoc } from '../record-doc';

/**
 * One chunk to decode, and what to make of its records: NDJSON event lines or Event XML lines (`vigil evtx`),
 * or the events themselves (the evtx input). Plain data: it goes to a decode worker as a message, the
 * chunk's bytes transferred.
 */
export interface ChunkJob {
  index: number;
  fileOffset: number;
  verifyChecksums: boolean;
  buf: Uint8Array;
  output: 'ndjson' | 'xml' | 'events';
  hostName: string;
  ingested: string;
  /** records to keep ('events' only; the others are given without their event) */
  filter?: RecordFilterSpec;
}

/** One record of an 'events' job: where it is, and its event unless the filter left it out. */
export interface ChunkEvent {
  offset: number;
  id?: string;
  doc?: EventDoc;
  /** the event's chunk failed its checksums (the event carries the checksum tag) */
  unverified?: boolean;
}

/** What a chunk gave: its counters and issues (merged into the read's by the reader), then its records. */
export interface ChunkResult {
  index: number;
  stats: ChunkCounts;
  issues: EvtxIssue[];
  /** records decoded */
  count: number;
  /** file offset of the chunk's last record (-1: none) */
  lastOffset: number;
  /** 'ndjson' and 'xml': the lines, UTF-8 */
  lines?: Uint8Array;
  events?: ChunkEvent[];
}

/** The counters a chunk's decoding moved: every number of EvtxStats but those the reader keeps itself. */
export type ChunkCounts = Record<string, number>;
const READER_COUNTS = new Set(['chunks', 'truncatedChunks', 'issueCount']);

const filters = new Map<string, ((e: XmlElement) => boolean) | undefined>();

function filterOf(spec: RecordFilterSpec | undefined): ((e: XmlElement) => boolean) | undefined {
  if (spec === undefined) return undefined;
  const key = JSON.stringify(spec);
  if (!filters.has(key)) {
    if (filters.size > 64) filters.clear();
    filters.set(key, recordFilter(spec));
  }
  return filters.get(key);
}

/** A Buffer of exactly `text`'s UTF-8 bytes on its own memory (so that it can be transferred). */
function ownUtf8(text: string): Uint8Array {
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  out.write(text, 0, 'utf8');
  return out;
}

/** Decode one chunk as the job asks. Never throws for the chunk's content (damage is in the issues). */
export function runChunkJob(job: ChunkJob): ChunkResult {
  const stats = newStats();
  const issues: EvtxIssue[] = [];
  const buf = Buffer.from(job.buf.buffer, job.buf.byteOffset, job.buf.byteLength);
  const records = chunkRecords(buf, {
    chunkIndex: job.index, fileOffset: job.fileOffset, verifyChecksums: job.verifyChecksums, stats, report: (i) => { issues.push(i); },
  });
  const ctx = { hostName: job.hostName, ingested: job.ingested };
  const event = (rec: EvtxRecord): { id: string; doc: EventDoc } => {
    const doc = evtxRecordDoc(rec, ctx);
    return { id: windowsDocId(doc), doc };
  };
  let count = 0;
  let lastOffset = -1;
  let text = '';
  const events: ChunkEvent[] = [];
  const accept = job.output === 'events' ? filterOf(job.filter) : undefined;
  for (const rec of records) {
    count++;
    lastOffset = rec.fileOffset;
    if (job.output === 'xml') text += `${rec.xml()}\n`;
    else if (job.output === 'ndjson') {
      const { id, doc } = event(rec);
      text += eventLine(id, JSON.stringify(doc));
    } else if (accept === undefined || accept(rec.tree)) {
      const { id, doc } = event(rec);
      events.push(rec.checksumMismatch ? { offset: rec.fileOffset, id, doc, unverified: true } : { offset: rec.fileOffset, id, doc });
    } else events.push({ offset: rec.fileOffset });
  }
  const counts: ChunkCounts = {};
  for (const [k, v] of Object.entries(stats)) if (typeof v === 'number' && !READER_COUNTS.has(k)) counts[k] = v;
  const result: ChunkResult = { index: job.index, stats: counts, issues, count, lastOffset };
  if (job.output === 'events') result.events = events;
  else result.lines = ownUtf8(text);
  return result;
}

/** Adds a chunk's counters to the read's. */
export function addCounts(stats: EvtxStats, c: ChunkCounts): void {
  const s = stats as unknown as Record<string, number>;
  for (const [k, v] of Object.entries(c)) s[k] = (s[k] ?? 0) + v;
}
