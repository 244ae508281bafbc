import { expect } from 'chai';
import { join } from 'node:path';
import { errors, type Client } from '@elastic/elasticsearch';
import { EsShipper } from '../../sinks/elasticsearch/shipper';
import { DeadLetterFile, type DeadLetter } from '../../sinks/elasticsearch/dead-letter';
import { SegmentLog } from '../../sinks/spool/segment-log';
import { encodeRecords } from '../../sinks/spool/record-line';
import { Metrics } from '../../src/core/metrics';
import type { Span } from '../../src/core/event';
import { tempDir } from '../helpers/temp-dir';
import { testLogger } from '../helpers/logger';
import { waitFor } from '../helpers/wait';

type Answer = Error | number[];

/** A client whose `_bulk` answers come from a script: an error to throw, or one status per item sent. */
function scriptedClient(answers: Answer[]): { client: Client; sent: number[] } {
  const sent: number[] = [];
  const request = async (p: { bulkBody: Buffer }): Promise<unknown> => {
    const items = p.bulkBody.toString('utf8').split('\n').filter((l) => l.startsWith('{"create"')).length;
    sent.push(items);
    const a = answers.shift() ?? Array<number>(items).fill(201);
    if (a instanceof Error) throw a;
    return { errors: true, items: a.map((status) => ({ create: { status, ...(status >= 400 ? { error: { type: 'mapper_parsing_exception', reason: 'no' } } : {}) } })) };
  };
  return { client: { transport: { request } } as unknown as Client, sent };
}

/** A dead-letter file whose first `failures` appends fail (a full disk). */
class FlakyDeadLetters extends DeadLetterFile {
  tries = 0;
  constructor(path: string, private failures: number) { super(path); }
  override append(letters: DeadLetter[]): Promise<void> {
    if (++this.tries <= this.failures) return Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    return super.append(letters);
  }
}

describe('elasticsearch shipper: what it retries and what it gives up', function () {
  this.timeout(30_000);
  const cleanups: Array<() => void> = [];
  const tempFolder = (prefix: string): string => { const t = tempDir(prefix); cleanups.push(t.cleanup); return t.path; };
  after(() => cleanups.forEach((c) => c()));

  it('splits a 413 in halves, resends 429 items and connection failures, dead-letters a 400 (retrying a full disk)', async () => {
    const dir = tempFolder('shipper-retries');
    const spool = new SegmentLog({ dir: join(dir, 'spool'), segmentBytes: 1 << 20, maxBytes: 1 << 24 });
    await spool.open();
    const span: Span = { source: 's', start: 0, end: 10, pending: 0, events: [] };
    await spool.append(encodeRecords(Array.from({ length: 10 }, (_, i) => ({ id: `id-${i}`, doc: { n: i }, span }))));
    const tooLarge = new errors.ResponseError({ statusCode: 413, body: 'too large', headers: {}, warnings: null, meta: {} as never });
    const { client, sent } = scriptedClient([
      tooLarge,                      // all 10: too large, send in halves
      [201, 201, 201, 429, 400],     // first half: one to resend, one refused for good
      [201],                         // the resent one
      new Error('connect ECONNREFUSED'), // second half: Elasticsearch away
      [201, 409, 201, 201, 201],     // then taken (one already there)
    ]);
    const deadLetter = new FlakyDeadLetters(join(dir, 'dead-letter.ndjson'), 1);
    const shipper = new EsShipper({ client, spool, url: 'http://es', batchSize: 100, batchBytes: 1 << 20, maxInflight: 1, deadLetter, log: testLogger(), metrics: new Metrics() });
    shipper.start('logs-test');
    await waitFor(() => shipper.shipped + shipper.duplicates + shipper.rejected === 10, 20_000, 'every record dealt with');
    await shipper.stop();
    await spool.close();
    expect(sent).to.deep.equal([10, 5, 1, 5, 5]);
    expect({ shipped: shipper.shipped, duplicates: shipper.duplicates, rejected: shipper.rejected }).to.deep.equal({ shipped: 8, duplicates: 1, rejected: 1 });
    expect(deadLetter.tries).to.equal(2);
    expect(shipper.deadLetterError).to.equal(null);
    expect(shipper.lastError).to.equal(null);
  });

  it('stopping while Elasticsearch is away gives the read up: it stays in the spool, nothing is dead-lettered', async () => {
    const dir = tempFolder('shipper-stop');
    const spool = new SegmentLog({ dir: join(dir, 'spool'), segmentBytes: 1 << 20, maxBytes: 1 << 24 });
    await spool.open();
    const span: Span = { source: 's', start: 0, end: 3, pending: 0, events: [] };
    await spool.append(encodeRecords(Array.from({ length: 3 }, (_, i) => ({ id: `id-${i}`, doc: { n: i }, span }))));
    const before = spool.committedCursor;
    const away = Array.from({ length: 50 }, () => new Error('connect ECONNREFUSED'));
    const { client, sent } = scriptedClient(away);
    const deadLetter = new DeadLetterFile(join(dir, 'dead-letter.ndjson'));
    const shipper = new EsShipper({ client, spool, url: 'http://es', batchSize: 100, batchBytes: 1 << 20, maxInflight: 1, deadLetter, log: testLogger(), metrics: new Metrics() });
    shipper.start('logs-test');
    await waitFor(() => sent.length >= 1, 5_000, 'a first request');
    await shipper.stop();
    await spool.close();
    expect(shipper.shipped).to.equal(0);
    expect(spool.committedCursor).to.deep.equal(before);
    expect(deadLetter.written).to.equal(0);
  });
});
