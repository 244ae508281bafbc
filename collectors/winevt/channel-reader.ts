import type { WinevtChannelConfig } from './config';
import type { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import type { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import { parseEventIdFilter, matchEventId, type EventIdFilter } from '../windows-event/event-id-filter';
import type { Span, PipelineEvent } from '../../src/core/event';
import type { Logger } from '../../src/core/log';
import { childNamed, textOf, type XmlElement } from '../windows-event/xml-tree';
import { parseRenderedXml } from './rendered-xml';
import { buildQueries, type QuerySpec } from './xpath-query';
import { levelNumbers } from '../windows-event/levels';
import { queryEvents, logInfo, type WevtutilOptions } from './wevtutil';
import { windowsEventDoc, windowsDocId } from '../windows-event/event-mapping';
import { eventIdOf } from '../windows-event/record-filter';

export type Submit = (span: Span) => Promise<void>;

export interface ChannelReaderContext {
  input: string;
  registry: CheckpointRegistry;
  tracker: AckTracker;
  submit: Submit;
  /** true while the sinks are full: no query is made then */
  isFull: () => boolean;
  log: Logger;
  hostName: string;
  /** the most records one wevtutil query returns (the input's `batch_size`) */
  recordsPerQuery: number;
  wevtutil: () => WevtutilOptions;
  onEvents: (n: number) => void;
  onGap: (records: number) => void;
  onMalformed: (n: number) => void;
}

/** The checkpoint key of a channel. */
export function channelSourceKey(channel: string): string {
  return `winevt:${channel}`;
}

/** 'more': a query came back full, poll again at once; 'idle': up to date; 'wait': acknowledgements awaited first. */
export type PollResult = 'more' | 'idle' | 'wait';

function recordIdOf(e: XmlElement): number {
  const sys = childNamed(e, 'System');
  const r = sys && childNamed(sys, 'EventRecordID');
  return r ? Number(textOf(r).trim()) : NaN;
}

/**
 * One channel: polls after the last record id read, maps the events and submits them as one span
 * `[next, lastRecordId + 1)` per poll, so the checkpoint (advanced only on acknowledgement) is the
 * next record id to read. Watches the channel's oldest record id (`wevtutil gli`) to tell when
 * records were lost before being read (cleared or wrapped channel) or the ids started again.
 */
export class ChannelReader {
  readonly source: string;
  private filter: EventIdFilter | undefined;
  private spec: QuerySpec;
  /** next record id to read; 0: not known yet (start from the oldest record, or from the checkpoint) */
  next: number;
  oldest = 0;
  newest = 0;
  eventsRead = 0;
  gaps = 0;
  gapRecords = 0;
  lastError: string | null = null;
  errorKind: string | null = null;
  lastPoll = 0;
  private lastOldest: number | undefined;
  private lastNewest: number | undefined;

  constructor(readonly cfg: WinevtChannelConfig, private c: ChannelReaderContext) {
    this.source = channelSourceKey(cfg.name);
    this.filter = cfg.event_ids !== undefined ? parseEventIdFilter(cfg.event_ids) : undefined;
    this.spec = {
      eventIds: this.filter,
      levels: cfg.levels && cfg.levels.length > 0 ? levelNumbers(cfg.levels) : undefined,
      providers: cfg.providers && cfg.providers.length > 0 ? cfg.providers : undefined,
      ignoreOlderMs: cfg.ignore_older_ms,
    };
    const entry = c.registry.get(this.source);
    this.next = entry?.offset ?? 0;
    const meta = (entry?.meta ?? {}) as { oldest?: number; newest?: number };
    this.lastOldest = typeof meta.oldest === 'number' ? meta.oldest : undefined;
    this.lastNewest = typeof meta.newest === 'number' ? meta.newest : undefined;
  }

  /** The checkpoint: every record before it is acknowledged (or filtered out). */
  get checkpoint(): number {
    return this.c.registry.get(this.source)?.offset ?? 0;
  }

  private gap(records: number, why: string, extra: Record<string, unknown>): void {
    this.gaps++;
    this.gapRecords += records;
    this.c.onGap(records);
    this.c.log.warn({ input: this.c.input, channel: this.cfg.name, gap_records: records, ...extra }, why);
  }

  /** Looks at the channel's record range; false when the reader must wait for acknowledgements first. */
  private checkRange(oldest: number, records: number): boolean {
    const newest = records > 0 ? oldest + records - 1 : 0;
    const wentBack = records > 0 && ((this.lastOldest !== undefined && this.lastOldest > 0 && oldest < this.lastOldest) || (this.next > 0 && newest + 1 < this.next));
    if (wentBack) {
      // the channel was cleared and its record ids started again (or the log file was replaced)
      if (this.c.tracker.outstanding(this.source) > 0) return false;
      const unread = Math.max(0, (this.lastNewest ?? this.next - 1) - (this.next - 1));
      this.gap(unread, 'channel record ids went back (cleared or recreated); reading it again from its oldest record',
        { previous_next: this.next, oldest, newest });
      this.c.registry.remove(this.source);
      this.c.tracker.forget(this.source);
      this.next = oldest;
    } else if (records > 0 && this.next > 0 && oldest > this.next) {
      this.gap(oldest - this.next, 'records were lost before being read (channel cleared or wrapped); going on from its oldest record',
        { expected: this.next, oldest });
      this.next = oldest;
    } else if (records === 0 && this.next > 0 && this.lastNewest !== undefined && this.lastNewest >= this.next) {
      this.gap(this.lastNewest - this.next + 1, 'channel cleared before its last records were read', { expected: this.next, newest_before: this.lastNewest });
      this.lastNewest = this.next - 1;
    }
    if (this.next === 0 && records > 0) this.next = oldest;
    this.oldest = oldest;
    this.newest = newest;
    if (records > 0) { this.lastOldest = oldest; this.lastNewest = newest; }
    return true;
  }

  /** Moves the checkpoint over filtered-out records when nothing of the channel awaits acknowledgement. */
  private settleCheckpoint(): void {
    const meta = { channel: this.cfg.name, oldest: this.lastOldest ?? 0, newest: this.lastNewest ?? 0 };
    if (this.next > 0 && this.c.tracker.outstanding(this.source) === 0 && this.checkpoint < this.next) this.c.registry.advance(this.source, this.next, meta);
    else this.c.registry.touch(this.source, meta);
  }

  async poll(): Promise<PollResult> {
    this.lastPoll = Date.now();
    const opts = this.c.wevtutil();
    const info = await logInfo(opts, this.cfg.name);
    if (!this.checkRange(info.oldest, info.records)) return 'wait';
    if (info.records === 0 || this.next > this.newest) { this.settleCheckpoint(); return 'idle'; }
    if (this.c.isFull()) return 'wait';

    const { queries, excludesInQuery } = buildQueries({ ...this.spec, afterRecordId: this.next - 1, upToRecordId: this.newest });
    let horizon = this.newest;
    let full = false;
    const byId = new Map<number, XmlElement>();
    for (const q of queries) {
      const res = parseRenderedXml(await queryEvents(opts, this.cfg.name, q, this.c.recordsPerQuery));
      if (res.malformed > 0) {
        this.c.onMalformed(res.malformed);
        this.c.log.warn({ input: this.c.input, channel: this.cfg.name, malformed: res.malformed }, 'wevtutil returned events that are not well-formed XML; skipped');
      }
      let last = 0;
      for (const e of res.events) {
        const id = recordIdOf(e);
        if (!Number.isFinite(id)) continue;
        last = Math.max(last, id);
        if (id >= this.next) byId.set(id, e);
      }
      if (res.events.length + res.malformed >= this.c.recordsPerQuery || res.truncated) {
        // this query may have more: nothing beyond its last record is known to be complete
        full = true;
        horizon = Math.min(horizon, res.truncated ? last : Math.max(last, this.next - 1));
      }
    }
    const ids = [...byId.keys()].filter((id) => id <= horizon).sort((a, b) => a - b);
    const ingested = new Date().toISOString();
    const span: Span = { source: this.source, start: this.next, end: horizon + 1, pending: 0, events: [] };
    const events: PipelineEvent[] = span.events;
    for (const id of ids) {
      const e = byId.get(id)!;
      // the XPath did the filtering; this catches excludes left out of it (too many terms)
      if (this.filter && !excludesInQuery && !matchEventId(this.filter, eventIdOf(e))) continue;
      const doc = windowsEventDoc(e, { hostName: this.c.hostName, ingested, created: ingested });
      events.push({ id: windowsDocId(doc), doc, span });
    }
    if (horizon + 1 <= this.next) return 'idle'; // no progress (an answer cut short in its first event): wait for the next poll
    this.next = horizon + 1;
    this.eventsRead += events.length;
    this.c.onEvents(events.length);
    if (events.length > 0) {
      this.c.registry.touch(this.source, { channel: this.cfg.name, oldest: this.lastOldest ?? 0, newest: this.lastNewest ?? 0 });
      await this.c.submit(span);
    } else {
      this.settleCheckpoint();
    }
    return full ? 'more' : 'idle';
  }
}
