import { chunkRecords } from './chunk-records';
import { readChunks } from './chunk-source';
import type { EvtxIssue, EvtxReadOptions, EvtxRecord, EvtxStats } from './types';
import { newStats } from './types';

export type EvtxReader = AsyncGenerator<EvtxRecord, EvtxStats, undefined> & { readonly stats: EvtxStats };

/** The issue reporter of one read: counts, keeps the first `maxIssues`, calls `onIssue` (whose failure never stops reading). */
export function issueReporter(stats: EvtxStats, opts: EvtxReadOptions): (issue: EvtxIssue) => void {
  const maxIssues = opts.maxIssues ?? 100;
  return (issue) => {
    stats.issueCount++;
    if (stats.issues.length < maxIssues) stats.issues.push(issue);
    if (opts.onIssue) {
      try {
        opts.onIssue(issue);
      } catch {
        // a failing callback must not stop reading
      }
    }
  };
}

/**
 * Stream the records of an .evtx file, decoded in this thread as its chunks are read (ahead, in blocks).
 * Bad data never throws: it is counted in `stats` (also returned when the generator finishes) and reported via
 * `opts.onIssue`. An unreadable file gives an 'io' issue and no records.
 */
export function readEvtx(path: string, opts: EvtxReadOptions = {}): EvtxReader {
  const stats = newStats();
  const gen = generate(path, opts, stats);
  return Object.assign(gen, { stats });
}

async function* generate(path: string, opts: EvtxReadOptions, stats: EvtxStats): AsyncGenerator<EvtxRecord, EvtxStats, undefined> {
  const report = issueReporter(stats, opts);
  for await (const c of readChunks(path, opts, stats, report)) {
    // records reference the chunk buffer only while decoding; decoded trees hold copies (strings)
    yield* chunkRecords(c.buf, { chunkIndex: c.index, fileOffset: c.fileOffset, verifyChecksums: c.verifyChecksums, stats, report });
  }
  return stats;
}
