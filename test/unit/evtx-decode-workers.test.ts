import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { DecodePool, decodedChunks, decodeWorkers, readEvtx } from '../../collectors/evtx';
import type { EvtxIssue, EvtxStats } from '../../collectors/evtx';
import { readPass, type PassContext } from '../../collectors/evtx/file-pass';
import { crc32, crc32Table } from '../../collectors/evtx/format/crc32';
import { formatFiletime, formatHex64, formatSid, formatUint64 } from '../../collectors/evtx/format/value-format';
import { evtxRecordDoc } from '../../collectors/evtx/record-doc';
import { windowsDocId } from '../../collectors/windows-event/event-mapping';
import { recordFilter } from '../../collectors/windows-event/record-filter';
import type { Span } from '../../src/core/event';
import { encodeRecord } from '../../sinks/spool/record-line';
import { chunkDigests, type ChunkDigests } from '../helpers/evtx-digests';
import { EVTX_DATA } from '../helpers/evtx-samples';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'evtx-chunk-digests.json');
const HOST = 'vigil-test';
const INGESTED = '2026-12-05T00:00:00.000Z';

const samples = (): Promise<string[]> => fg('**/*.evtx', { cwd: EVTX_DATA, absolute: true }).then((f) => f.sort());

/** The per-record path (`readEvtx`, then each record mapped and serialised): what decode jobs must give, chunk by chunk. */
async function perRecord(file: string): Promise<{ ndjson: string; xml: string; stats: EvtxStats; issues: EvtxIssue[] }> {
  const issues: EvtxIssue[] = [];
  const reader = readEvtx(file, { onIssue: (i) => issues.push(i) });
  let ndjson = '', xml = '';
  for await (const rec of reader) {
    const doc = evtxRecordDoc(rec, { hostName: HOST, ingested: INGESTED });
    ndjson += encodeRecord(windowsDocId(doc), doc);
    xml += `${rec.xml()}\n`;
  }
  return { ndjson, xml, stats: reader.stats, issues };
}

async function viaJobs(file: string, output: 'ndjson' | 'xml', pool?: DecodePool): Promise<{ text: string; stats: EvtxStats; issues: EvtxIssue[]; records: number }> {
  const issues: EvtxIssue[] = [];
  const chunks = decodedChunks(file, { onIssue: (i) => issues.push(i) }, { output, hostName: HOST, ingested: INGESTED }, pool);
  const parts: Buffer[] = [];
  let records = 0;
  for await (const c of chunks) {
    records += c.count;
    if (c.lines) parts.push(Buffer.from(c.lines));
  }
  return { text: Buffer.concat(parts).toString('utf8'), stats: chunks.stats, issues, records };
}

describe('evtx decoding: the same output, faster (read ahead, decode workers)', function () {
  this.timeout(300_000);

  it('every sample gives, chunk by chunk, the records the interpreting decoder of issue 5 gave (stored digests)', async () => {
    const stored = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, ChunkDigests>;
    const files = await samples();
    expect(files.length).to.equal(Object.keys(stored).length);
    for (const f of files) {
      const name = relative(EVTX_DATA, f);
      expect(await chunkDigests(readEvtx(f)), name).to.deep.equal(stored[name]);
    }
  });

  it('decode jobs, in this thread and on two workers, give byte for byte the lines, counters and issues of the per-record path', async () => {
    const pool = new DecodePool(2);
    try {
      for (const f of await samples()) {
        const want = await perRecord(f);
        for (const p of [undefined, pool]) {
          const label = `${relative(EVTX_DATA, f)} (${p ? 'workers' : 'this thread'})`;
          const nd = await viaJobs(f, 'ndjson', p);
          expect(nd.text === want.ndjson, label).to.equal(true);
          expect(nd.records, label).to.equal(want.stats.records);
          expect(nd.stats, label).to.deep.equal(want.stats);
          expect(nd.issues, label).to.deep.equal(want.issues);
          const xml = await viaJobs(f, 'xml', p);
          expect(xml.text === want.xml, label).to.equal(true);
        }
      }
    } finally {
      await pool.close();
    }
  });

  it('the evtx input gives the same spans (boundaries, ids, documents, filtered records) on workers as in its own thread', async () => {
    const file = join(EVTX_DATA, 'python-evtx', 'system.evtx'); // 7036 mostly, 7040, 6013, ...
    const chunks = Math.floor((readFileSync(file).length - 4096) / 65536);
    expect(chunks).to.be.greaterThanOrEqual(8); // long enough a pass for the workers
    const pass = async (workers: number, from: number) => {
      const spans: Array<{ start: number; end: number; ids: string[]; docs: unknown[] }> = [];
      const ctx: PassContext = {
        source: 's', hostName: HOST, isFull: () => false, proceed: () => true, wait: async () => undefined, onIssue: () => undefined,
        submit: async (s: Span) => { spans.push({ start: s.start, end: s.end, ids: s.events.map((e) => e.id), docs: s.events.map((e) => ({ ...e.doc, event: { ...(e.doc.event as object), ingested: 'x' } })) }); },
        spanRecords: 100, filter: { event_ids: '7036' }, workers,
      };
      const r = await readPass(file, from, chunks, ctx);
      return { r, spans };
    };
    for (const from of [0, 4096 + 3 * 65536 + 1000]) { // from the start, and from a checkpoint inside chunk 3
      const here = await pass(0, from);
      const there = await pass(2, from);
      expect(here.spans.length).to.be.greaterThan(3);
      expect(here.r.skipped, 'some records filtered out').to.be.greaterThan(0);
      expect(there.r).to.deep.equal(here.r);
      expect(there.spans).to.deep.equal(here.spans);
    }
    // the filter is the input's: a record is kept exactly when recordFilter keeps its tree
    const keep = recordFilter({ event_ids: '7036' })!;
    let kept = 0;
    for await (const rec of readEvtx(file, { maxChunks: chunks })) if (keep(rec.tree)) kept++;
    expect((await pass(2, 0)).r.records).to.equal(kept);
  });

  it('a pass stopped part-way on workers ends, with its position at the last record given', async () => {
    const file = join(EVTX_DATA, 'DeepBlueCLI', 'Powershell-Invoke-Obfuscation-many.evtx');
    let given = 0;
    let last = -1;
    const r = await readPass(file, 0, undefined, {
      source: 's', hostName: HOST, isFull: () => false, wait: async () => undefined, onIssue: () => undefined,
      proceed: () => given < 150,
      submit: async (s) => { given += s.events.length; last = s.end; },
      spanRecords: 50, workers: 2,
    });
    expect(r.finished).to.equal(false);
    expect(r.records).to.equal(150);
    expect(r.next).to.equal(last);
  });

  it('a pool whose workers are gone fails the read with the reason, and does not hang', async () => {
    const pool = new DecodePool(1);
    await pool.close();
    const chunks = decodedChunks(join(EVTX_DATA, 'python-evtx', 'system.evtx'), {}, { output: 'ndjson', hostName: HOST }, pool);
    let error: Error | null = null;
    try {
      for await (const c of chunks) expect(c).to.equal(undefined);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal('evtx decode pool closed');
  });

  it('workers: auto is one per core but one, at most 4; a number is taken as it is', () => {
    expect(decodeWorkers('auto', 1)).to.equal(0);
    expect(decodeWorkers('auto', 2)).to.equal(1);
    expect(decodeWorkers('auto', 3)).to.equal(2);
    expect(decodeWorkers('auto', 16)).to.equal(4);
    expect(decodeWorkers(0, 16)).to.equal(0);
    expect(decodeWorkers(3, 1)).to.equal(3);
  });

  it("zlib's CRC-32 gives what the table gives, whole and in chained ranges", () => {
    const buf = randomBytes(70_000);
    expect(crc32(Buffer.from('123456789'))).to.equal(0xcbf43926); // the check value of CRC-32/ISO-HDLC
    for (const [s, e] of [[0, 70_000], [512, 65_536], [3, 4], [10, 10]]) expect(crc32(buf, s, e)).to.equal(crc32Table(buf, s, e));
    expect(crc32(buf, 128, 512, crc32(buf, 0, 120))).to.equal(crc32Table(buf, 128, 512, crc32Table(buf, 0, 120)));
  });

  it('FILETIMEs format the same when consecutive ones share their second and when they do not', () => {
    const cases: Array<[bigint, string]> = [
      [131124751716816410n, '2016-07-08T18:12:51.6816410Z'],
      [131124751719999999n, '2016-07-08T18:12:51.9999999Z'], // same second, kept prefix
      [131124751720000000n, '2016-07-08T18:12:52.0000000Z'], // the next one
      [116444735999999999n, '1969-12-31T23:59:59.9999999Z'], // before the Unix epoch
      [116444736000000000n, '1970-01-01T00:00:00.0000000Z'],
      [0n, '1601-01-01T00:00:00.0000000Z'],
      [131124751716816410n, '2016-07-08T18:12:51.6816410Z'],
    ];
    for (const [ticks, text] of cases) expect(formatFiletime(ticks)).to.equal(text);
  });

  it('64-bit values read without BigInts: hex and decimal, below and past 2^53', () => {
    const cases: Array<[string, string, string]> = [
      ['0000000000000000', '0x0', '0'],
      ['0a00000001000000', '0x10000000a', '4294967306'],
      ['ffffffffffff1f00', '0x1fffffffffffff', '9007199254740991'], // 2^53 - 1
      ['0000000000002000', '0x20000000000000', '9007199254740992'], // 2^53
      ['0000000000002080', '0x8020000000000000', '9232379236109516800'], // the keywords of an audit success
      ['ffffffffffffffff', '0xffffffffffffffff', '18446744073709551615'],
    ];
    for (const [le, hex, dec] of cases) {
      const b = Buffer.from(`ff${le}`, 'hex');
      expect([formatHex64(b, 1), formatUint64(b, 1)], le).to.deep.equal([hex, dec]);
    }
    // S-1-5-21-… with sub-authorities past 2^31 (unsigned)
    const sid = Buffer.from('010400000000000515000000ffffffff00000080e8030000', 'hex');
    expect(formatSid(sid, 0, sid.length)).to.equal('S-1-5-21-4294967295-2147483648-1000');
  });
});
