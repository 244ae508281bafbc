import { CHUNK_SIZE } from '../format/chunk-header';
import { readChunks } from '../format/chunk-source';
import { issueReporter } from '../format/reader';
import type { EvtxReadOptions, EvtxStats } from '../format/types';
import { newStats } from '../format/types';
import { addCounts, runChunkJob, type ChunkJob, type ChunkResult } from './chunk-job';
import type { DecodePool } from './decode-pool';

/**
 * Chunks a worker is given at once (one message each way, one buffer for their bytes): fewer messages,
 * wake-ups and copies than a chunk at a time (the reading thread's CPU time on the 256 MB bench file:
 * 0.38 s a chunk at a time, 0.27 s by eight). Eight gave some 25 MB more peak RSS than four.
 */
export const BATCH_CHUNKS = 4;

/**
 * Batches in flight per worker: read, decoding, or decoded but waiting for an earlier one. Results
 * are given in file order, so with too few a worker that is ahead soon waits (idle) behind a batch
 * that takes longer on the other one: with two chunks per worker in flight, each worker was idle some
 * 15% of the time on the 256 MB bench file; with six batches of four, 1 to 2%.
 */
export const WINDOW_BATCHES = 6;

/** What every chunk job of one read asks for (the chunk's own fields aside); without `ingested`, each chunk's is when it is read. */
export type JobSpec = Pick<ChunkJob, 'output' | 'hostName' | 'filter'> & { ingested?: string };

export type DecodedChunks = AsyncGenerator<ChunkResult, EvtxStats, undefined> & { readonly stats: EvtxStats };

/**
 * The chunks of an .evtx file decoded as `spec` asks, in file order: on the pool's workers when one is
 * given (the file read ahead in batches, WINDOW_BATCHES per worker in flight), else in this thread. Each chunk's
 * counters and issues join the read's (`stats`, `opts.onIssue`) when its result is given, before its
 * records, so a read stopped part-way has counted what it gave. Same results either way.
 */
export function decodedChunks(path: string, opts: EvtxReadOptions, spec: JobSpec, pool?: DecodePool): DecodedChunks {
  const stats = newStats();
  return Object.assign(generate(path, opts, spec, stats, pool), { stats });
}

async function* generate(path: string, opts: EvtxReadOptions, spec: JobSpec, stats: EvtxStats, pool: DecodePool | undefined): AsyncGenerator<ChunkResult, EvtxStats, undefined> {
  const report = issueReporter(stats, opts);
  const chunks = readChunks(path, opts, stats, report);
  const job = (c: Chunk): ChunkJob => ({
    output: spec.output, hostName: spec.hostName, filter: spec.filter, index: c.index, fileOffset: c.fileOffset, verifyChecksums: c.verifyChecksums,
    buf: c.buf, ingested: spec.ingested ?? new Date().toISOString(),
  });
  const give = (r: ChunkResult): ChunkResult => {
    addCounts(stats, r.stats);
    for (const issue of r.issues) report(issue);
    return r;
  };
  if (!pool || pool.size === 0) {
    for await (const c of chunks) yield give(runChunkJob(job(c)));
    return stats;
  }
  const inflight: Promise<ChunkResult[]>[] = [];
  try {
    let more = true;
    for (;;) {
      while (more && inflight.length < WINDOW_BATCHES * pool.size) {
        const batch = await nextBatch(chunks, job);
        if (batch.length < BATCH_CHUNKS) more = false;
        if (batch.length > 0) {
          const p = pool.run(batch);
          p.catch(() => undefined); // a failure is thrown where it is awaited, in order; not reported before as unhandled
          inflight.push(p);
        }
      }
      const first = inflight.shift();
      if (!first) break;
      for (const r of await first) yield give(r);
    }
  } finally {
    await chunks.return(undefined);
  }
  return stats;
}

type Chunk = { index: number; fileOffset: number; verifyChecksums: boolean; buf: Buffer };

/**
 * The jobs of the next BATCH_CHUNKS chunks (fewer at the end of the file), their bytes copied as they
 * are read (the read buffer is reused) into one buffer of the batch's own, transferred with it.
 */
async function nextBatch(chunks: AsyncGenerator<Chunk, void, undefined>, job: (c: Chunk) => ChunkJob): Promise<ChunkJob[]> {
  const jobs: ChunkJob[] = [];
  let own: Buffer | undefined;
  let at = 0;
  while (jobs.length < BATCH_CHUNKS) {
    const n = await chunks.next();
    if (n.done) break;
    own ??= Buffer.allocUnsafeSlow(BATCH_CHUNKS * CHUNK_SIZE);
    const c = n.value;
    c.buf.copy(own, at);
    jobs.push(job({ ...c, buf: own.subarray(at, at + c.buf.length) }));
    at += c.buf.length;
  }
  return jobs;
}
