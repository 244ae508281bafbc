import type { Span, PipelineEvent } from '../../src/core/event';
import { FileEventIds, fileIdPrefix, hostIdTag } from '../../src/core/event';
import { lineHadTime, normaliseNdjsonLine, normaliseNdjsonAscii, type NdjsonLineContext, type NdjsonStats } from '../ndjson/ndjson';
import { SourceClock } from '../ndjson/inferred-time';
import { timeMsOf } from '../../src/core/timestamp';
import type { LineHandler } from './line-splitter';

export interface SpanContext {
  source: string;        // checkpoint key
  identity: string;      // fingerprint, part of every document id
  path: string;
  hostName: string;
  dataset: string;
  timestampField?: string;
  stats: NdjsonStats;
}

/**
 * Collects the lines of one read into one acknowledgeable span of normalised events. One per file being
 * read, for its life: a line without a time of its own takes the time of the file's line before it.
 */
export class SpanBuilder {
  /** the file's clock: a line without a time takes the time of the line before it (the NDJSON workers' spans use it too) */
  readonly clock = new SourceClock();
  private events: PipelineEvent[] = [];
  private start = -1;
  private end = -1;
  private span: Span | null = null;
  private ctx: NdjsonLineContext;
  readonly ids: FileEventIds;
  lines = 0;

  constructor(private c: SpanContext) {
    this.ids = new FileEventIds(fileIdPrefix(c.identity), hostIdTag(c.hostName));
    this.ctx = { hostName: c.hostName, path: c.path, offset: 0, dataset: c.dataset, timestampField: c.timestampField, truncated: false, ingested: '' };
  }

  begin(path: string): void {
    this.ctx.path = path;
    this.ctx.ingested = new Date().toISOString();
    this.events = [];
    this.start = -1;
    this.end = -1;
    this.span = { source: this.c.source, start: 0, end: 0, pending: 0, events: this.events };
  }

  readonly onLine: LineHandler = (line, start, next, truncated, text) => {
    if (this.start < 0) this.start = start;
    this.end = next;
    const ctx = this.ctx;
    ctx.offset = start;
    ctx.truncated = truncated;
    const doc = line === null ? normaliseNdjsonAscii(text!, ctx, this.c.stats) : normaliseNdjsonLine(line, ctx, this.c.stats);
    this.clock.place(doc, lineHadTime());
    this.events.push({ id: this.ids.of(start), doc, span: this.span!, time: timeMsOf(doc['@timestamp']) });
    this.lines++;
  };

  /** The checkpoint key of the file. */
  get source(): string { return this.c.source; }

  /** Counts problems of lines normalised elsewhere (an NDJSON worker) in the file input's counters. */
  addStats(s: NdjsonStats): void {
    const t = this.c.stats;
    t.parseFailures += s.parseFailures;
    t.tooDeep += s.tooDeep;
    t.conflicts += s.conflicts;
    t.truncated += s.truncated;
    t.invalidUtf8 += s.invalidUtf8;
  }

  /** The span read since `begin`, or null when no complete line was read. */
  finish(): Span | null {
    const span = this.span;
    this.span = null;
    if (!span || this.start < 0) return null;
    span.start = this.start;
    span.end = this.end;
    return span;
  }
}
