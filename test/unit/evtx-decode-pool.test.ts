import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecodePool, decodedChunks } from '../../collectors/evtx';
import type { EvtxIssue, EvtxReadOptions, EvtxStats } from '../../collectors/evtx';
import { BATCHES_PER_WORKER } from '../../collectors/evtx/decode/decode-pool';
import { BATCH_CHUNKS } from '../../collectors/evtx/decode/decoded-chunks';
import { runChunkJob, type ChunkJob } from '../../collectors/evtx/decode/chunk-job';
import { EVTX_DATA } from '../helpers/evtx-samples';

const HOST = 'vigil-test';
const INGESTED = '2026-12-05T00:00:00.000Z';
const SYSTEM = join(EVTX_DATA, 'python-evtx', 'system.evtx'); // 17 chunks
const CHUNK = 65536;
const HEADER = 4096;

/** Chunk `index` of `file` as a job of its own (its own buffer, as a batch's are when transferred). */
function chunkJob(file: string, index: number): ChunkJob {
  const bytes = readFileSync(file).subarray(HEADER + index * CHUNK, HEADER + (index + 1) * CHUNK);
  return { index, fileOffset: HEADER + index * CHUNK, verifyChecksums: true, buf: new Uint8Array(bytes), output: 'ndjson', hostName: HOST, ingested: INGESTED };
}

async function read(file: string, opts: EvtxReadOptions, pool?: DecodePool): Promise<{ text: string; indexes: number[]; stats: EvtxStats; issues: EvtxIssue[] }> {
  const issues: EvtxIssue[] = [];
  const chunks = decodedChunks(file, { ...opts, onIssue: (i) => issues.push(i) }, { output: 'ndjson', hostName: HOST, ingested: INGESTED }, pool);
  const parts: Buffer[] = [];
  const indexes: number[] = [];
  for await (const c of chunks) {
    indexes.push(c.index);
    if (c.lines) parts.push(Buffer.from(c.lines));
  }
  return { text: Buffer.concat(parts).toString('utf8'), indexes, stats: chunks.stats, issues };
}

describe('evtx decode pool: batches go to the worker that is free, results in file order', function () {
  this.timeout(120_000);

  it('each worker holds at most two batches; the others wait and are each answered with their own chunks', async () => {
    const pool = new DecodePool(2);
    try {
      const batches = [[0, 1], [2], [3, 4, 5], [6], [7], [8, 9]].map((ix) => ix.map((i) => chunkJob(SYSTEM, i)));
      const want = batches.map((b) => b.map((j) => Buffer.from(runChunkJob({ ...j, buf: new Uint8Array(j.buf) }).lines as Uint8Array).toString('utf8')));
      const answers = batches.map((b) => pool.run(b));
      // given at once: two to each worker, two queued (a pool that gave them all would hold three each)
      expect(BATCHES_PER_WORKER).to.equal(2);
      expect(pool.pending).to.deep.equal({ held: [2, 2], queued: 2 });
      const got = await Promise.all(answers);
      expect(got.map((rs) => rs.map((r) => r.index))).to.deep.equal([[0, 1], [2], [3, 4, 5], [6], [7], [8, 9]]);
      expect(got.map((rs) => rs.map((r) => Buffer.from(r.lines as Uint8Array).toString('utf8')))).to.deep.equal(want);
      expect(pool.pending).to.deep.equal({ held: [0, 0], queued: 0 });
    } finally {
      await pool.close();
    }
  });

  it('a pool closed with batches held and queued rejects every one of them (none left hanging)', async () => {
    const pool = new DecodePool(1);
    const answers = [0, 1, 2, 3].map((i) => pool.run([chunkJob(SYSTEM, i)]));
    expect(pool.pending).to.deep.equal({ held: [2], queued: 2 });
    const settling = Promise.allSettled(answers);
    await pool.close();
    const settled = await settling;
    expect(settled.slice(2).map((s) => s.status)).to.deep.equal(['rejected', 'rejected']);
    for (const s of settled) if (s.status === 'rejected') expect((s.reason as Error).message).to.match(/closed|exited/);
  });

  it('batches that do not start on a multiple of their size, a short last batch and a cut last chunk give what this thread gives', async () => {
    expect(BATCH_CHUNKS).to.equal(4);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-evtx-pool-'));
    const pool = new DecodePool(2);
    try {
      const cut = join(dir, 'cut.evtx'); // 11 whole chunks and half of the 12th
      writeFileSync(cut, readFileSync(SYSTEM).subarray(0, HEADER + 11 * CHUNK + CHUNK / 2));
      const cases: Array<[string, EvtxReadOptions]> = [
        [SYSTEM, {}], [SYSTEM, { firstChunk: 3 }], [SYSTEM, { firstChunk: 5, maxChunks: 10 }], [cut, {}], [cut, { firstChunk: 1 }],
      ];
      for (const [file, opts] of cases) {
        const label = `${file === cut ? 'cut' : 'system'} ${JSON.stringify(opts)}`;
        const here = await read(file, opts);
        const there = await read(file, opts, pool);
        expect(here.indexes.length, label).to.be.greaterThan(BATCH_CHUNKS);
        expect(there.indexes, label).to.deep.equal(here.indexes);
        expect(there.text === here.text, label).to.equal(true);
        expect(there.stats, label).to.deep.equal(here.stats);
        expect(there.issues, label).to.deep.equal(here.issues);
      }
      const cutRead = await read(cut, {}, pool);
      expect(cutRead.stats.truncatedChunks).to.equal(1);
      expect(cutRead.indexes).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
