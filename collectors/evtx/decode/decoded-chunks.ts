import { readChunks } from '../format/chunk-source';
import { issueReporter } from '../format/reader';
import type { EvtxReadOptions, EvtxStats } from '../format/types';
import { newStats } from '../format/types';
import { addCounts, runChunkJob, type ChunkJob, type ChunkResult } from './chunk-job';
import type { DecodePool } from './decode-pool';

/**
 * Chunks in flight per worker: read, decoding or decoded but waiting for an earlier one. Results are
 * given in file order, so with a window of two a worker that is ahead soon waits (idle) behind a chunk
 * that takes longer on the other; eight keep both busy (measured: idle time of a worker on the
 * 256 MB bench file from some 15% to 2%) for a few MB of chunks and lines held.
 */
export const WINDOW_PER_WORKER = 8;

/** What every chunk job of one read asks for (the chunk's own fields aside); without `ingested`, each chunk's is when it is read. */
export type JobSpec = Pick<ChunkJob, 'output' | 'hostName' | 'filter'> & { ingested?: string };

export type DecodedChunks = AsyncGenerator<ChunkResult, EvtxStats, undefined> & { readonly stats: EvtxStats };

/**
 * The chunks of an .evtx file decoded as `spec` asks, in file order: on the pool's workers when one is
 * given (the file read ahead, WINDOW_PER_WORKER chunks per worker in flight), else in this thread. Each chunk's
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
  const job = (c: { index: number; fileOffset: number; verifyChecksums: boolean; buf: Buffer }, copy: boolean): ChunkJob => ({
    output: spec.output, hostName: spec.hostName, filter: spec.filter, index: c.index, fileOffset: c.fileOffset, verifyChecksums: c.verifyChecksums,
    // a worker gets its own copy (transferred); the read buffer is reused for the next block
    buf: copy ? new Uint8Array(c.buf) : c.buf, ingested: spec.ingested ?? new Date().toISOString(),
  });
  const give = (r: ChunkResult): ChunkResult => {
    addCounts(stats, r.stats);
    for (const issue of r.issues) report(issue);
    return r;
  };
  if (!pool || pool.size === 0) {
    for await (const c of chunks) yield give(runChunkJob(job(c, false)));
    return stats;
  }
  const inflight: Promise<ChunkResult>[] = [];
  try {
    let more = true;
    for (;;) {
      while (more && inflight.length < WINDOW_PER_WORKER * pool.size) {
        const n = await chunks.next();
        if (n.done) more = false;
        else inflight.push(pool.run(job(n.value, true)));
      }
      const first = inflight.shift();
      if (!first) break;
      yield give(await first);
    }
  } finally {
    for (const p of inflight) p.catch(() => undefined); // results no one will take (stopped part-way)
    await chunks.return(undefined);
  }
  return stats;
}
