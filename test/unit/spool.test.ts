import { expect } from 'chai';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SegmentLog, SpoolFullError, type SpoolCursor } from '../../sinks/spool/segment-log';
import { encodeRecord, encodeRecords, splitRecord } from '../../sinks/spool/record-line';
import { tempDir } from '../helpers/temp-dir';

const rec = (i: number) => Buffer.from(encodeRecord(`id-${i}`, { n: i, pad: 'x'.repeat(50) }));

async function readAll(log: SegmentLog, from: SpoolCursor, maxBytes = 300): Promise<{ ids: string[]; end: SpoolCursor }> {
  const ids: string[] = [];
  let cur = from;
  for (;;) {
    const got = await log.read(cur, maxBytes);
    if (!got) return { ids, end: cur };
    let s = 0;
    for (let nl = got.data.indexOf(10); nl >= 0; nl = got.data.indexOf(10, s)) {
      ids.push(splitRecord(got.data, s, nl)!.id);
      s = nl + 1;
    }
    cur = got.next;
  }
}

describe('disk spool (segment log)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir('spool'); });
  afterEach(() => tmp.cleanup());

  it('records round-trip: id first, fields after', () => {
    const line = Buffer.from(encodeRecord('abc.1f', { '@timestamp': 't', a: 1 }).trimEnd());
    const r = splitRecord(line, 0, line.length)!;
    expect(r.id).to.equal('abc.1f');
    expect(`{${line.toString('utf8', r.fieldsStart)}`).to.equal('{"@timestamp":"t","a":1}');
    expect(splitRecord(Buffer.from('{"x":1}'), 0, 7)).to.equal(null);
  });

  it('rolls segments, reads across them, and deletes what is committed — also when the reader is at a deleted segment\'s end', async () => {
    const log = new SegmentLog({ dir: tmp.path, segmentBytes: 1000, maxBytes: 1 << 20 });
    await log.open();
    for (let i = 0; i < 40; i++) await log.append(rec(i));
    const segs = readdirSync(tmp.path).filter((f) => f.startsWith('segment-'));
    expect(segs.length).to.be.greaterThan(3);
    const first = await readAll(log, log.committedCursor);
    expect(first.ids).to.deep.equal(Array.from({ length: 40 }, (_, i) => `id-${i}`));
    // commit half-way through: a cursor at the end of a closed segment
    const got = await log.read(log.committedCursor, 10_000);
    await log.commit(got!.next);
    expect(readdirSync(tmp.path).filter((f) => f.startsWith('segment-')).length).to.equal(segs.length - 1);
    const rest = await readAll(log, got!.next);
    expect(rest.ids.length).to.equal(40 - got!.data.toString().trim().split('\n').length);
    expect(rest.ids[rest.ids.length - 1]).to.equal('id-39');
    await log.commit(rest.end);
    expect(log.backlogBytes).to.equal(0);
    await log.close();
  });

  it('after a restart, reads again from the committed cursor and cuts a torn record', async () => {
    let log = new SegmentLog({ dir: tmp.path, segmentBytes: 1 << 20, maxBytes: 1 << 20 });
    await log.open();
    for (let i = 0; i < 10; i++) await log.append(rec(i));
    const part = await log.read(log.committedCursor, 400);
    await log.commit(part!.next);
    const shipped = part!.data.toString().trim().split('\n').length;
    await log.close();
    appendFileSync(join(tmp.path, 'segment-000000000001.ndjson'), '{"_id":"torn","n":');
    log = new SegmentLog({ dir: tmp.path, segmentBytes: 1 << 20, maxBytes: 1 << 20 });
    await log.open();
    expect(log.tornBytes).to.equal(Buffer.byteLength('{"_id":"torn","n":'));
    const again = await readAll(log, log.committedCursor);
    expect(again.ids).to.deep.equal(Array.from({ length: 10 - shipped }, (_, i) => `id-${i + shipped}`));
    await log.append(rec(10));
    expect((await readAll(log, again.end)).ids).to.deep.equal(['id-10']);
    await log.close();
  });

  it('refuses appends past max_bytes of unshipped data, and takes them again once shipped', async () => {
    const log = new SegmentLog({ dir: tmp.path, segmentBytes: 1 << 20, maxBytes: 500 });
    await log.open();
    let full = false;
    for (let i = 0; i < 20 && !full; i++) {
      try { await log.append(rec(i)); } catch (err) { expect(err).to.be.instanceOf(SpoolFullError); full = true; }
    }
    expect(full).to.equal(true);
    const all = await readAll(log, log.committedCursor);
    await log.commit(all.end);
    await log.append(rec(99));
    await log.close();
  });

  it('a record longer than the read size is read whole', async () => {
    const log = new SegmentLog({ dir: tmp.path, segmentBytes: 1 << 22, maxBytes: 1 << 22 });
    await log.open();
    await log.append(Buffer.from(encodeRecord('big', { s: 'y'.repeat(200_000) })));
    await log.append(rec(1));
    const got = await log.read(log.committedCursor, 1000);
    expect(splitRecord(got!.data, 0, got!.data.length - 1)!.id).to.equal('big');
    expect((await readAll(log, got!.next)).ids).to.deep.equal(['id-1']);
    await log.close();
  });
});

describe('encodeRecords', () => {
  it('writes the same bytes as encodeRecord for each event, joined (multi-byte text, empty documents, growth)', () => {
    const span = { source: 's', start: 0, end: 1, pending: 0, events: [] };
    const docs: Array<Record<string, unknown>> = [
      { '@timestamp': 't', message: 'plain' },
      {},
      { message: 'Grüße — 日本語 ✓ \u{1F600}', nested: { a: [1, 2, { b: null }] } },
      { big: 'é'.repeat(5000) },
      { quote: 'a "quoted" \\ line\nwith a newline' },
    ];
    const events = docs.map((doc, i) => ({ id: `id.${i}`, doc, span }));
    const expected = Buffer.from(events.map((e) => encodeRecord(e.id, e.doc)).join(''));
    expect(encodeRecords(events).equals(expected)).to.equal(true);
    const many = Array.from({ length: 3000 }, (_, i) => ({ id: `x.${i.toString(36)}`, doc: { n: i, s: 'ü'.repeat(i % 300) }, span }));
    expect(encodeRecords(many).equals(Buffer.from(many.map((e) => encodeRecord(e.id, e.doc)).join('')))).to.equal(true);
  });
});
