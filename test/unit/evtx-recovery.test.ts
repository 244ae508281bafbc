import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvtx, evtxRecordDoc, EVTX_CHECKSUM_TAG } from '../../collectors/evtx';
import type { EvtxIssue, EvtxRecord, EvtxStats } from '../../collectors/evtx';
import { EVTX_DATA } from '../helpers/evtx-samples';
import { tempDir } from '../helpers/temp-dir';
import * as damage from '../helpers/evtx-damage';

/**
 * Reading .evtx files from damaged disks: files damaged on purpose from a clean sample (security.evtx,
 * 2261 records; its chunk 1 holds records 92-177), each with what the damage takes away worked out from
 * the bytes damaged. What the Rust `evtx` crate's evtx_dump 0.15.1 (-t 1) gives on the same files is in
 * the comments: it does not check a record's trailing size copy, and drops a chunk whose header it
 * cannot parse or cut short.
 */

const SECURITY = join(EVTX_DATA, 'omerbenamram-evtx', 'security.evtx');
const VSS = join(EVTX_DATA, 'omerbenamram-evtx', '2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');

interface Read { records: EvtxRecord[]; stats: EvtxStats; issues: EvtxIssue[] }

async function readAll(path: string): Promise<Read> {
  const issues: EvtxIssue[] = [];
  const reader = readEvtx(path, { onIssue: (i) => issues.push(i), maxIssues: 10_000 });
  const records: EvtxRecord[] = [];
  for await (const r of reader) records.push(r);
  return { records, stats: reader.stats, issues };
}

describe('evtx recovery: damaged copies of a clean file', function () {
  this.timeout(120_000);
  const tmp = tempDir('evtx-rec');
  const file = readFileSync(SECURITY);
  const layout = damage.layoutOf(file);
  const chunk1 = layout.find((c) => c.index === 1)!;
  // a record in the middle of chunk 1 that defines no template of its own (its loss takes no other record)
  const k = chunk1.records.findIndex((r, i) => i > 10 && !r.definesTemplate);
  const victim = chunk1.records[k];
  let clean: EvtxRecord[];
  let n = 0;

  before(async () => {
    clean = (await readAll(SECURITY)).records;
  });
  after(() => tmp.cleanup());

  async function readDamaged(d: damage.Damaged): Promise<Read> {
    const p = join(tmp.path, `damaged-${++n}.evtx`);
    writeFileSync(p, d.bytes);
    return readAll(p);
  }

  /**
   * What every damage of chunk 1 must give: every record but the lost ones, the records of chunk 1 tagged
   * and no other, the lost ones counted, and every record outside chunk 1 as in the clean file.
   */
  function expectRecovered(got: Read, d: damage.Damaged, what: string): void {
    const lost = new Set(d.lost);
    const want = clean.filter((r) => !lost.has(r.recordId));
    expect(got.records.map((r) => r.recordId), what).to.deep.equal(want.map((r) => r.recordId));
    const tagged = got.records.filter((r) => r.checksumMismatch).map((r) => r.recordId);
    expect(tagged, what).to.deep.equal(want.filter((r) => r.chunkIndex === 1).map((r) => r.recordId));
    expect(got.stats.checksumMismatchRecords, what).to.equal(tagged.length);
    expect(got.stats.skippedRecords, what).to.equal(d.lost.length);
    expect(got.issues.reduce((s, i) => s + (i.records ?? 0), 0), what).to.equal(d.lost.length);
    const cleanXml = new Map(clean.map((r) => [r.recordId, r.xml()]));
    for (const r of got.records) if (r.chunkIndex !== 1) expect(r.xml(), r.recordId).to.equal(cleanXml.get(r.recordId));
  }

  it('the sample is what the expectations assume: 2261 records, chunk 1 holds 92-177, record 103 is damaged', () => {
    expect(clean.length).to.equal(2261);
    expect([chunk1.firstId, chunk1.lastId, chunk1.records.length]).to.deep.equal(['92', '177', 86]);
    expect(victim.id).to.equal('103');
  });

  it('a changed character in a record: the record is read with the change, its chunk tagged (Rust: 2261)', async () => {
    const d = damage.changeText(file, chunk1, k, 'Security');
    const got = await readDamaged(d);
    expectRecovered(got, d, d.what);
    const rec = got.records.find((r) => r.recordId === '103')!;
    expect(rec.xml()).to.contain('<Channel>Securitz</Channel>');
    expect(got.issues.map((i) => i.kind)).to.deep.equal(['file-dirty', 'chunk-checksum']);
    expect(got.issues[1].message).to.equal('chunk record data CRC32 mismatch');
  });

  it('a broken header checksum: every record read, those of the chunk tagged (Rust: 2261)', async () => {
    const d = damage.breakHeaderChecksum(file, chunk1);
    const got = await readDamaged(d);
    expectRecovered(got, d, d.what);
    expect(got.issues.filter((i) => i.chunkIndex === 1).map((i) => i.message)).to.deep.equal(['chunk header CRC32 mismatch']);
  });

  it('a record\'s trailing size cut: that record lost and counted, the next ones read (Rust: 2261, reads it anyway)', async () => {
    const d = damage.cutTrailingSize(file, chunk1, k);
    const got = await readDamaged(d);
    expectRecovered(got, d, d.what);
    const framing = got.issues.filter((i) => i.kind === 'record-framing');
    expect(framing.map((i) => i.fileOffset)).to.deep.equal([victim.offset]);
  });

  for (const size of [0, 27, 0x7fffffff, 0xffffffff]) {
    it(`a record's size field set to ${size}: that record lost and counted, the next ones read (Rust: 2260)`, async () => {
      const d = damage.setRecordSize(file, chunk1, k, size);
      expectRecovered(await readDamaged(d), d, d.what);
    });
  }

  it('a record zeroed: lost and counted, the records after it read (Rust: 2260)', async () => {
    const d = damage.zeroRecord(file, chunk1, k);
    expectRecovered(await readDamaged(d), d, d.what);
  });

  it('the chunk header sector zeroed: the chunk is scanned, all its records read and tagged (Rust: 2175)', async () => {
    const d = damage.zeroChunkHeader(file, chunk1);
    const got = await readDamaged(d);
    expectRecovered(got, d, d.what);
    expect(got.stats.scannedChunks).to.equal(1);
    expect(got.stats.emptyChunks).to.equal(7); // the 7 unused slots of the clean file, not this one
    expect(got.issues.filter((i) => i.chunkIndex === 1).map((i) => i.kind)).to.deep.equal(['chunk-header', 'chunk-checksum']);
  });

  const freeSpaces = [
    ['beyond the chunk', 0xffffffff, 2261], ['one bit flipped (32624)', chunk1.freeSpace ^ 0x8000, 2219], ['at record 103', victim.offset - chunk1.offset, 2186],
  ] as const;
  for (const [name, value, rust] of freeSpaces) {
    it(`the free space offset ${name}: the chunk is scanned, all its records read and tagged (Rust: ${rust})`, async () => {
      const d = damage.setFreeSpace(file, chunk1, value);
      const got = await readDamaged(d);
      expectRecovered(got, d, d.what);
      expect(got.stats.scannedChunks).to.equal(1);
    });
  }

  it('a header older than the chunk\'s data (bounds before record 103, CRC failing): the records after its free space read on (Rust: 2186)', async () => {
    const d = damage.rewindHeader(file, chunk1, k);
    const got = await readDamaged(d);
    expectRecovered(got, d, d.what);
    expect(got.stats.scannedChunks).to.equal(0);
  });

  it('the file cut 30000 bytes into chunk 1: the records before the cut read and tagged, the 47 after counted (Rust: 91)', async () => {
    const d = damage.truncateInChunk(file, chunk1, 30_000);
    expect(d.lost.length).to.equal(47);
    const got = await readDamaged(d);
    const want = clean.filter((r) => r.chunkIndex === 0 || (r.chunkIndex === 1 && !d.lost.includes(r.recordId)));
    expect(got.records.map((r) => r.recordId)).to.deep.equal(want.map((r) => r.recordId));
    expect(got.records.filter((r) => r.checksumMismatch).length).to.equal(86 - 47);
    expect(got.stats.skippedRecords).to.equal(47);
    expect(got.stats.truncatedChunks).to.equal(1);
    expect(got.issues.map((i) => i.kind)).to.deep.equal(['file-dirty', 'chunk-truncated', 'chunk-checksum', 'record-framing', 'records-missing']);
  });

  it('events of tagged records carry vigil_evtx_checksum_mismatch in tags; the others no tags', async () => {
    const got = await readDamaged(damage.breakHeaderChecksum(file, chunk1));
    const ctx = { hostName: 'h', ingested: '2026-01-01T00:00:00.000Z' };
    const tagged = got.records.find((r) => r.chunkIndex === 1)!;
    const plain = got.records.find((r) => r.chunkIndex === 2)!;
    expect(evtxRecordDoc(tagged, ctx).tags).to.deep.equal([EVTX_CHECKSUM_TAG]);
    expect(EVTX_CHECKSUM_TAG).to.equal('vigil_evtx_checksum_mismatch');
    expect(evtxRecordDoc(plain, ctx)).to.not.have.property('tags');
  });
});

describe('evtx recovery: the dirty sample from a volume shadow copy', function () {
  this.timeout(60_000);

  it('reads 1910 records (as evtx_dump), tags the 191 of its two chunks failing their checksums, counts every loss', async () => {
    const { records, stats, issues } = await readAll(VSS);
    expect(records.length).to.equal(1910);
    const bad = new Set(issues.filter((i) => i.kind === 'chunk-checksum').map((i) => i.chunkIndex));
    expect([...bad]).to.deep.equal([0, 13]);
    const tagged = records.filter((r) => r.checksumMismatch);
    expect(tagged.length).to.equal(191);
    expect(tagged.every((r) => bad.has(r.chunkIndex))).to.equal(true);
    expect(records.filter((r) => bad.has(r.chunkIndex)).length).to.equal(191);
    expect(stats.checksumMismatchRecords).to.equal(191);
    // the headers of chunks 0 and 13 are intact: each of their declared ids is read or counted lost
    for (const c of [0, 13]) {
      const inChunk = issues.filter((i) => i.chunkIndex === c);
      const stale = inChunk.filter((i) => i.kind === 'record-stale').length;
      const lost = inChunk.reduce((s, i) => s + (i.records ?? 0), 0) - stale;
      expect(records.filter((r) => r.chunkIndex === c).length + lost).to.equal(c === 0 ? 6335044 - 6334916 + 1 : 6914552 - 6914423 + 1);
    }
    expect(stats.skippedRecords).to.equal(issues.reduce((s, i) => s + (i.records ?? 0), 0));
  });
});
