import type { EventDoc, PipelineEvent, Span } from '../../../src/core/event';
import { timeMsOf } from '../../../src/core/timestamp';
import type { LineSplitter } from '../line-splitter';
import type { SpanBuilder } from '../span-builder';
import { cutLines, type NdjsonResult } from './ndjson-job';
import type { NdjsonPool } from './ndjson-pool';

export type Submit = (span: Span) => Promise<void>;

/** The fields the loaded rules read now (null: every field); the same array until the rules change. */
export type RuleFields = () => readonly string[] | null;

/** What the jobs of one file carry besides their lines. */
export interface JobContext {
  hostName: string;
  dataset: string;
  timestampField?: string;
  maxLineBytes: number;
  /** the fields the loaded rules read (undefined: no rules engine to ask, whole documents) */
  fields?: RuleFields;
}

/**
 * The reads of one file made into spans on the pool's workers, in file order: each chunk's complete lines
 * go out as a job, and the results come back as spans in the order the chunks were read, at most `depth`
 * jobs ahead of the last span submitted. A span is the same as the reading thread's `SpanBuilder` makes of
 * the same bytes (same documents, ids and times): the file's clock is the builder's, and lines a job could
 * not time (none before them in the job had a time) take it here. An event's `doc` holds what the loaded
 * rules read of the document (`JobContext.fields`; the whole document when they read every field), its
 * `text` the whole document.
 */
export class SpanJobs {
  /** per read given out: its jobs' results, and the field list they were made with */
  private readonly running: Array<{ results: Promise<NdjsonResult>[]; fields: readonly string[] | null }> = [];

  constructor(private readonly pool: NdjsonPool, private readonly builder: SpanBuilder, private readonly ctx: JobContext, private readonly depth: number) {}

  private fieldsNow(): readonly string[] | null {
    return this.ctx.fields ? this.ctx.fields() : null;
  }

  /** Reads given out and not yet made spans. */
  get pending(): number { return this.running.length; }

  /** Gives the complete lines of `chunk` (read at the splitter's position) to a worker; submits the oldest results past `depth`. */
  async push(chunk: Buffer, splitter: LineSplitter, path: string, submit: Submit): Promise<void> {
    const cuts = cutLines(chunk, splitter);
    if (cuts.length > 0) {
      const c = this.ctx;
      const ingested = new Date().toISOString();
      const fields = this.fieldsNow();
      this.running.push({
        fields,
        results: cuts.map((cut) => this.pool.run({
          path, hostName: c.hostName, dataset: c.dataset, timestampField: c.timestampField, ingested, maxLineBytes: c.maxLineBytes, fields, ...cut,
        })),
      });
    }
    while (this.running.length > this.depth) await this.submitOldest(submit);
  }

  /** Submits every job's span, in order. */
  async settle(submit: Submit): Promise<void> {
    while (this.running.length > 0) await this.submitOldest(submit);
  }

  private async submitOldest(submit: Submit): Promise<void> {
    const read = this.running.shift()!;
    const results = await Promise.all(read.results);
    // rules reloaded since the jobs were given out: they may read other fields, so the whole documents
    const current = this.fieldsNow();
    const span = this.spanOf(results, current !== read.fields);
    if (span) await submit(span);
  }

  /** One read's span: its jobs' events in order (what the builder makes of the same read). */
  private spanOf(results: NdjsonResult[], wholeDocs: boolean): Span | null {
    let n = 0;
    for (const r of results) n += r.starts.length;
    if (n === 0) return null;
    const b = this.builder;
    const events: PipelineEvent[] = new Array(n);
    const span: Span = { source: b.source, start: -1, end: results[results.length - 1].end, pending: 0, events };
    let k = 0;
    for (const r of results) {
      const m = r.starts.length;
      if (m === 0) continue;
      if (span.start < 0) span.start = r.starts[0];
      const docs = JSON.parse(r.projected === null || wholeDocs ? r.text : r.projected) as EventDoc[];
      const timeBefore = b.clock.latest;
      const { text, bounds, starts, times } = r;
      for (let i = 0; i < m; i++) {
        if (i < r.unplaced && timeBefore !== undefined) {
          // no time of its own, none before it in the job: the file's last time (what the builder would have given it)
          const doc = JSON.parse(text.slice(bounds[2 * i], bounds[2 * i + 1])) as EventDoc;
          b.clock.place(doc, false);
          events[k++] = { id: b.ids.of(starts[i]), doc, span, time: timeMsOf(doc['@timestamp']), text: JSON.stringify(doc) };
        } else {
          events[k++] = { id: b.ids.of(starts[i]), doc: docs[i], span, time: times[i], text: text.slice(bounds[2 * i], bounds[2 * i + 1]) };
        }
      }
      b.clock.moveTo(r.last);
      b.addStats(r.stats);
    }
    b.lines += n;
    return span;
  }
}
