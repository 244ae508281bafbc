import { dirname } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { esErrors } from '../../src/core/elasticsearch-lib';
import type { SegmentLog, SpoolCursor } from '../spool/segment-log';
import type { Logger } from '../../src/core/log';
import type { Metrics } from '../../src/core/metrics';
import { itemsOf, bulkBody, documentOf, type BulkItem } from './bulk-body';
import { classifyStatus, itemOf, describeItemError, type BulkResponseItem } from './bulk-outcome';
import { DeadLetterFile, type DeadLetter } from './dead-letter';
import { retryLoop } from '../../src/core/retry/retry-loop';
import { done, giveUp, retry, type Outcome } from '../../src/core/retry/outcome';
import { describeError } from './health';
import { writeFailureDetail } from '../../src/core/fs/disk-full';
import { scrubUserinfo } from '../../src/core/config-kit/url-userinfo';

export interface ShipperOptions {
  client: Client;
  spool: SegmentLog;
  url: string;
  batchSize: number;
  batchBytes: number;
  maxInflight: number;
  deadLetter: DeadLetterFile;
  log: Logger;
  metrics: Metrics;
}

/**
 * What one read of the spool gave: whole records, shipped as one `_bulk` request (halves on a 413,
 * the items Elasticsearch could not take now resent), and the spool cursor after them, committed
 * once this read and every one before it are done.
 */
interface SpoolRead {
  data: Buffer;
  next: SpoolCursor;
  done: boolean;
}

/**
 * Ships the disk spool to Elasticsearch: reads whole records from the spool's cursor, sends them
 * as `_bulk` `create` requests (several in flight), retries what Elasticsearch could not take now
 * (connection errors, 429, 5xx) with backoff and jitter for as long as it takes, sends what it will
 * never take to the dead-letter file, and moves the spool's committed cursor over the contiguous
 * prefix of finished reads. After a crash the spool is shipped again from that cursor; documents
 * already there come back as 409 and count as delivered.
 */
export class EsShipper {
  private running = false;
  private loopDone: Promise<void> | null = null;
  private readCursor: SpoolCursor;
  private inflight: SpoolRead[] = [];
  private wakeUp: (() => void) | null = null;
  target: string | null = null;
  lastError: string | null = null;
  lastErrorReason: string | null = null;
  /** why the last write to the dead-letter file failed (a full disk), until one works again */
  deadLetterError: string | null = null;
  shipped = 0;
  duplicates = 0;
  rejected = 0;

  constructor(private o: ShipperOptions) {
    this.readCursor = o.spool.committedCursor;
  }

  get healthy(): boolean { return this.lastError === null; }

  /** Ship to `target` (the data stream or index, once set up). */
  start(target: string): void {
    this.target = target;
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop().catch((err) => this.o.log.error({ err: scrubUserinfo(String((err as Error).stack ?? err)) }, 'elasticsearch shipper stopped on an unexpected error'));
  }

  /** Something was appended to the spool. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
  }

  /** Resolves on `wake()` or after `ms`; one timer and one waiter at a time, however often it is raced. */
  private waitForWake(ms: number): Promise<void> {
    if (this.waiting) return this.waiting;
    const p = new Promise<void>((resolve) => {
      const done = () => { clearTimeout(t); this.wakeUp = null; this.waiting = null; resolve(); };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
    this.waiting = p;
    return p;
  }

  private waiting: Promise<void> | null = null;

  private async loop(): Promise<void> {
    const sending = new Set<Promise<void>>();
    while (this.running) {
      if (this.inflight.length >= this.o.maxInflight) {
        await Promise.race([...sending, this.waitForWake(1000)]);
        continue;
      }
      // read about what one request needs (from the records' average size), not batch_bytes every time
      const want = Math.min(this.o.batchBytes, Math.ceil(this.avgRecordBytes * this.o.batchSize * 1.1) + 4096);
      const got = await this.o.spool.read(this.readCursor, want);
      if (!got) {
        await this.waitForWake(sending.size > 0 ? 50 : 500);
        continue;
      }
      const { data, next } = this.limitCount(got.data, got.next);
      // a small read while another is on its way: let more gather first (when nothing is in flight,
      // even a single record goes at once, so a trickle never waits for a timer)
      if (sending.size > 0 && data.length < this.o.batchBytes / 4 && countLines(data) < this.o.batchSize / 4) {
        await Promise.race([...sending, this.waitForWake(200)]);
        continue;
      }
      const read: SpoolRead = { data, next, done: false };
      this.readCursor = next;
      this.inflight.push(read);
      // a read left unfinished (stopping while Elasticsearch is away) keeps the cursor before it: shipped again at the next start
      const p: Promise<void> = this.send(read).then((done) => { if (done) this.finish(read); }).finally(() => sending.delete(p));
      sending.add(p);
    }
    await Promise.all(sending);
  }

  private avgRecordBytes = 512;

  /** Cuts spool bytes after `batchSize` records (a copy when much smaller, so the read buffer is not kept alive). */
  private limitCount(data: Buffer, next: SpoolCursor): { data: Buffer; next: SpoolCursor } {
    let n = 0;
    for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) {
      n++;
      if (n === this.o.batchSize && i + 1 < data.length) {
        const cut = Buffer.from(data.subarray(0, i + 1));
        this.avgRecordBytes = cut.length / n;
        return { data: cut, next: { segment: next.segment, pos: next.pos - (data.length - cut.length) } };
      }
    }
    if (n > 0) this.avgRecordBytes = data.length / n;
    return { data, next };
  }

  private finish(read: SpoolRead): void {
    read.done = true;
    let upTo: SpoolCursor | null = null;
    while (this.inflight.length > 0 && this.inflight[0].done) upTo = this.inflight.shift()!.next;
    if (upTo) {
      this.o.spool.commitSoon(upTo, (err) => {
        this.o.log.error({ err: err.message }, 'could not persist the spool cursor; the documents will be sent again (as 409s)');
      });
    }
  }

  /** Ships a read; false when it stopped before Elasticsearch (or the dead-letter file) had all of it. */
  private async send(read: SpoolRead): Promise<boolean> {
    const { items, bad } = itemsOf(read.data);
    if (bad.length > 0) {
      if (!await this.deadLetters(bad.map((b) => ({ time: new Date().toISOString(), target: this.target ?? '', _id: '', status: 0, error: 'not a spool record', document: read.data.toString('utf8', b.start, b.end) })))) return false;
    }
    if (items.length === 0) return true;
    const left = { items };
    const end = await retryLoop(() => this.bulkRequest(read, left));
    return end.kind === 'done';
  }

  /**
   * One `_bulk` request of the items `left` of a read. Done when Elasticsearch took them all (or the
   * dead-letter file has the ones it refused); retry with `left` cut to the items to resend; given up
   * when stopping while Elasticsearch is away (the spool keeps them).
   */
  private async bulkRequest(read: SpoolRead, left: { items: BulkItem[] }): Promise<Outcome> {
    const pending = left.items;
    if (!this.running && this.lastError) return giveUp(this.lastError);
    let resp: { errors?: boolean; items: Array<Record<string, BulkResponseItem>> };
    const t0 = Date.now();
    try {
      // (the transport sets the NDJSON content type that matches its Accept header)
      // (only each item's status and error come back: a fraction of the full answer to build, send and parse)
      resp = await this.o.client.transport.request(
        { method: 'POST', path: `/${encodeURIComponent(this.target!)}/_bulk`, querystring: { filter_path: BULK_FILTER_PATH }, bulkBody: bulkBody(read.data, pending) },
      ) as typeof resp;
      if (!Array.isArray(resp.items)) resp.items = [];
    } catch (err) {
      if (err instanceof esErrors().ResponseError && err.statusCode === 413 && pending.length > 1) {
        // too large for the cluster's http.max_content_length: send it in halves
        const half = Math.ceil(pending.length / 2);
        if (!await this.sendPart(read, pending.slice(0, half))) return giveUp();
        left.items = pending.slice(half);
        return retry(err, { now: true });
      }
      const d = describeError(err, this.o.url);
      if (this.lastError !== d.detail) this.o.log.error({ reason: d.reason, pending: pending.length }, `${d.detail}; events wait in the disk spool and are retried`);
      this.lastError = d.detail;
      this.lastErrorReason = d.reason;
      this.o.metrics.sinkErrors.inc({ sink: 'elasticsearch' });
      return this.running ? retry(err) : giveUp(err);
    }
    this.o.metrics.esRequestSeconds.observe((Date.now() - t0) / 1000);
    if (this.lastError) this.o.log.info({ url: this.o.url }, 'Elasticsearch takes documents again');
    this.lastError = null;
    this.lastErrorReason = null;
    const again: BulkItem[] = [];
    const letters: DeadLetter[] = [];
    let created = 0, dup = 0;
    resp.items.forEach((entry, i) => {
      const item = itemOf(entry);
      const it = pending[i];
      switch (classifyStatus(item.status)) {
        case 'created': created++; break;
        case 'duplicate': dup++; break;
        case 'retry': again.push(it); break;
        default:
          letters.push({ time: new Date().toISOString(), target: this.target!, _id: it.id, status: item.status, error: describeItemError(item), document: documentOf(read.data, it) });
      }
    });
    if (resp.items.length < pending.length) again.push(...pending.slice(resp.items.length));
    if (letters.length > 0) {
      if (!await this.deadLetters(letters)) return giveUp();
      this.rejected += letters.length;
      this.o.metrics.sinkEvents.inc({ sink: 'elasticsearch', outcome: 'dead_letter' }, letters.length);
      this.o.log.warn({ count: letters.length, first_error: letters[0].error, file: this.o.deadLetter.path }, 'Elasticsearch rejected documents; they are in the dead-letter file');
    }
    this.shipped += created;
    this.duplicates += dup;
    if (created) this.o.metrics.sinkEvents.inc({ sink: 'elasticsearch', outcome: 'created' }, created);
    if (dup) this.o.metrics.sinkEvents.inc({ sink: 'elasticsearch', outcome: 'duplicate' }, dup);
    if (again.length === 0) return done();
    this.o.metrics.sinkEvents.inc({ sink: 'elasticsearch', outcome: 'retry' }, again.length);
    left.items = again;
    return retry(`${again.length} items not taken now`);
  }

  /** Sends some items of a read on their own (a request too large for the cluster is split). */
  private sendPart(read: SpoolRead, part: BulkItem[]): Promise<boolean> {
    const data = Buffer.concat(part.flatMap((it) => [read.data.subarray(it.start, it.end), NL]));
    return this.send({ data, next: read.next, done: false });
  }

  /**
   * Writes letters to the dead-letter file, retrying with backoff while that fails (a full disk):
   * they are never dropped. False when stopping before they were written (the read is shipped again).
   */
  private async deadLetters(letters: DeadLetter[]): Promise<boolean> {
    const end = await retryLoop(async () => {
      try {
        await this.o.deadLetter.append(letters);
        return done();
      } catch (err) {
        const detail = writeFailureDetail(err, 'rejected documents', dirname(this.o.deadLetter.path));
        if (detail !== this.deadLetterError) this.o.log.error({ file: this.o.deadLetter.path, count: letters.length }, `dead-letter file: ${detail}; retrying, the spool keeps them`);
        this.deadLetterError = detail;
        return retry(err);
      }
    }, { baseMs: 250, maxMs: 10_000, stopped: () => !this.running });
    if (end.kind !== 'done') return false;
    if (this.deadLetterError) this.o.log.info({ file: this.o.deadLetter.path }, 'dead-letter file: writes work again');
    this.deadLetterError = null;
    return true;
  }

  /** Records shipped, per outcome, and what is waiting. */
  status(): Record<string, unknown> {
    return {
      target: this.target,
      shipped: this.shipped,
      duplicates: this.duplicates,
      dead_letter: this.rejected,
      in_flight_requests: this.inflight.filter((b) => !b.done).length,
      spool_backlog_bytes: this.o.spool.backlogBytes,
      last_error: this.lastError,
    };
  }
}

const NL = Buffer.from('\n');
const BULK_FILTER_PATH = 'errors,items.*.status,items.*.error';

function countLines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
