import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkRecords } from '../../collectors/evtx/format/chunk-records';
import { newStats, type EvtxIssue, type EvtxRecord } from '../../collectors/evtx/format/types';
import { EVTX_DATA } from '../helpers/evtx-samples';
import { nestedRepeatChunk } from '../helpers/evtx-crafted';
import { seededRng } from '../helpers/seeded-rng';

/**
 * Fuzzing the chunk reader with mutations of real chunks (a fixed seed, so every run tries the same
 * inputs): byte flips, truncations, size and header fields set to extremes, zeroed sectors, records
 * copied over others. For every input: nothing thrown, a bounded number of steps, every record read
 * either byte-for-byte the original record at that offset or tagged as unverified, and every record
 * of the original lost counted (exactly, when the chunk header is intact) or at least reported.
 */

const FILE_HEADER = 4096;
const CHUNK = 65536;
const MUTATIONS = 3000;
/** Every step of the reader's loop yields a record or reports a problem; record signatures are ≥ 4 bytes apart. */
const MAX_STEPS = (CHUNK - 512) / 4 + 8;

const SOURCES: Array<[string, number]> = [
  ['omerbenamram-evtx/security.evtx', 1],
  ['omerbenamram-evtx/sysmon.evtx', 0],
  ['omerbenamram-evtx/2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx', 0],
  ['omerbenamram-evtx/system.evtx', 2],
  ['EVTX-to-MITRE-Attack/ID1116-1117-Defender threat detected.evtx', 0],
  ['DeepBlueCLI/Powershell-Invoke-Obfuscation-many.evtx', 3],
];

interface Outcome {
  records: EvtxRecord[];
  issues: EvtxIssue[];
  skipped: number;
  /** records lost inside the chunk's id range (left-overs of an earlier use of the chunk aside) */
  lostInRange: number;
  threw?: unknown;
}

function readChunk(buf: Buffer): Outcome {
  const stats = newStats();
  const issues: EvtxIssue[] = [];
  const records: EvtxRecord[] = [];
  try {
    for (const r of chunkRecords(buf, { chunkIndex: 0, fileOffset: 0, verifyChecksums: true, stats, report: (i) => issues.push(i) })) {
      records.push(r);
      if (records.length + issues.length > MAX_STEPS) break;
    }
  } catch (e) {
    return { records, issues, skipped: stats.skippedRecords, lostInRange: 0, threw: e };
  }
  const stale = issues.filter((i) => i.kind === 'record-stale').length;
  return { records, issues, skipped: stats.skippedRecords, lostInRange: stats.skippedRecords - stale };
}

const EXTREMES = [0, 1, 4, 23, 24, 27, 28, 29, 511, 512, 513, 0x7fff, 0x8000, 0xffff, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xffffffff];

type Mutation = (buf: Buffer, rnd: () => number, recordOffsets: number[]) => { buf: Buffer; what: string };

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const anyOffset = (rnd: () => number, from = 0, to = CHUNK) => from + Math.floor(rnd() * (to - from));

const MUTATORS: Array<[string, Mutation]> = [
  ['flips', (buf, rnd) => {
    const n = 1 + Math.floor(rnd() * 8);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = anyOffset(rnd, rnd() < 0.2 ? 0 : 512);
      buf[o] ^= 1 << Math.floor(rnd() * 8);
      at.push(o);
    }
    return { buf, what: `bits flipped at ${at.join(',')}` };
  }],
  ['truncation', (buf, rnd) => {
    const n = anyOffset(rnd, 0, CHUNK);
    return { buf: buf.subarray(0, n), what: `cut to ${n} bytes` };
  }],
  ['record size', (buf, rnd, recs) => {
    const o = pick(rnd, recs);
    const size = rnd() < 0.7 ? pick(rnd, EXTREMES) : buf.readUInt32LE(o + 4) + Math.floor(rnd() * 17) - 8;
    buf.writeUInt32LE(size >>> 0, rnd() < 0.5 ? o + 4 : o + buf.readUInt32LE(o + 4) - 4);
    return { buf, what: `a size field of the record at ${o} set to ${size}` };
  }],
  ['header field', (buf, rnd) => {
    const field = pick(rnd, [8, 16, 24, 32, 40, 44, 48, 52, 124]);
    const v = pick(rnd, EXTREMES);
    if (field <= 32) buf.writeBigUInt64LE(BigInt(v), field);
    else buf.writeUInt32LE(v >>> 0, field);
    return { buf, what: `header field at ${field} set to ${v}` };
  }],
  ['zeroed sector', (buf, rnd) => {
    const s = Math.floor(rnd() * (CHUNK / 512));
    buf.fill(0, s * 512, s * 512 + 512);
    return { buf, what: `sector ${s} zeroed` };
  }],
  ['record copied over another', (buf, rnd, recs) => {
    const from = pick(rnd, recs);
    const to = anyOffset(rnd, 512);
    buf.copy(buf, to, from, Math.min(CHUNK, from + buf.readUInt32LE(from + 4)));
    return { buf, what: `record at ${from} copied to ${to}` };
  }],
  ['value bytes', (buf, rnd, recs) => {
    // a run of random bytes inside a record's data (template instance values, nested Binary XML)
    const o = pick(rnd, recs);
    const size = buf.readUInt32LE(o + 4);
    const at = o + 24 + Math.floor(rnd() * Math.max(1, size - 28));
    const n = 1 + Math.floor(rnd() * 16);
    for (let i = 0; i < n && at + i < CHUNK; i++) buf[at + i] = Math.floor(rnd() * 256);
    return { buf, what: `${n} random bytes at ${at}` };
  }],
];

describe('evtx recovery: fuzzed chunks', function () {
  this.timeout(600_000);

  it(`${MUTATIONS} mutations of real chunks: no throw, bounded work, every record intact or tagged, every loss counted`, () => {
    const chunks = SOURCES.map(([path, index]) => {
      const file = readFileSync(join(EVTX_DATA, path));
      const buf = Buffer.from(file.subarray(FILE_HEADER + index * CHUNK, FILE_HEADER + (index + 1) * CHUNK));
      const base = readChunk(buf);
      expect(base.threw, path).to.equal(undefined);
      expect(base.records.length, path).to.be.greaterThan(0);
      return { path, buf, base, offsets: base.records.map((r) => r.fileOffset) };
    });
    const rnd = seededRng(20261205);
    const seen: Record<string, number> = {};
    let tagged = 0;
    let lostExactly = 0;
    for (let m = 0; m < MUTATIONS; m++) {
      const c = chunks[m % chunks.length];
      const [kind, mutate] = MUTATORS[Math.floor(rnd() * MUTATORS.length)];
      const { buf, what } = mutate(Buffer.from(c.buf), rnd, c.offsets);
      const label = `#${m} ${c.path}: ${what}`;
      const got = readChunk(buf);
      seen[kind] = (seen[kind] ?? 0) + 1;
      expect(got.threw, label).to.equal(undefined);
      expect(got.records.length + got.issues.length, label).to.be.at.most(MAX_STEPS);
      for (const r of got.records) {
        if (r.checksumMismatch) { tagged++; continue; }
        const size = buf.readUInt32LE(r.fileOffset + 4);
        const same = r.fileOffset + size <= c.buf.length && buf.subarray(r.fileOffset, r.fileOffset + size).equals(c.buf.subarray(r.fileOffset, r.fileOffset + size));
        expect(same, `${label}: record ${r.recordId} at ${r.fileOffset} untagged but not the original`).to.equal(true);
      }
      expect(got.skipped, label).to.equal(got.issues.reduce((s, i) => s + (i.records ?? 0), 0));
      // the original's records read neither at their place nor elsewhere (a copy of a record read is that record)
      const at = new Set(got.records.map((r) => r.fileOffset));
      const ids = new Set(got.records.map((r) => r.recordId));
      const lost = c.base.records.filter((r) => !at.has(r.fileOffset) && !ids.has(r.recordId)).length;
      if (lost === 0) continue;
      const headerIntact = !got.issues.some((i) => ['chunk-header', 'chunk-skipped', 'chunk-signature'].includes(i.kind) || i.message === 'chunk header CRC32 mismatch');
      if (headerIntact) {
        expect(got.lostInRange - c.base.lostInRange, `${label}: ${lost} records lost`).to.be.at.least(lost);
        lostExactly++;
      } else {
        const reported = got.issues.filter((i) => i.kind !== 'chunk-checksum' || i.message !== 'chunk record data CRC32 mismatch');
        expect(reported.length, `${label}: ${lost} records lost unreported`).to.be.greaterThan(0);
      }
    }
    for (const [kind] of MUTATORS) expect(seen[kind], kind).to.be.greaterThan(100);
    expect(tagged).to.be.greaterThan(0);
    expect(lostExactly).to.be.greaterThan(0);
  });
  it('a record whose values nest and repeat (20^7 texts from 400 bytes) is skipped as undecodable and counted', () => {
    // sound when small: depth 1 gives <X> holding 20 nested events, each <X> holding "ha" 20 times
    const small = readChunk(nestedRepeatChunk(20, 1));
    expect(small.records.length).to.equal(1);
    const xml = small.records[0].xml();
    expect(xml.split('<X>').length - 1).to.equal(21);
    expect(xml.split('ha').length - 1).to.equal(400);
    // depth 6: 20^7 texts; every record read is serialised, as `vigil evtx --format xml` does
    const big = readChunk(nestedRepeatChunk(20, 6));
    for (const r of big.records) r.xml();
    expect(big.records.length).to.equal(0);
    expect(big.skipped).to.equal(1);
    expect(big.issues.map((i) => i.kind)).to.deep.equal(['record-decode']);
    expect(big.issues[0].message).to.match(/expands to more than/);
  });
});
