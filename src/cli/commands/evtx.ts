import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { DecodePool, decodedChunks, decodeWorkers, readProblems } from '../../../collectors/evtx';
import { ProgressBar } from '../progress-bar';
import { turnOffPretenuring } from '../../runtime/pretenuring';

/** `--workers` as given: a count (up to 64, as the evtx input's option) or auto; undefined when it is neither. */
function workersOption(text: string): number | 'auto' | undefined {
  if (text === 'auto') return 'auto';
  return /^\d+$/.test(text) && Number(text) <= 64 ? Number(text) : undefined;
}

/**
 * `vigil evtx <file.evtx>... [--format ndjson|xml] [--workers N|auto]`: decodes exported Windows event
 * logs on any OS. ndjson prints one normalised event per record (id first, as the event store writes
 * it); xml prints the Event XML, with a progress bar on stderr when it is a terminal. Chunks are decoded
 * on worker threads (in file order all the same). What could not be decoded is reported on stderr; the
 * exit code is 1 when a file gave no record because it could not be read.
 */
export async function runEvtx(files: string[], format: string, workers = 'auto'): Promise<number> {
  if (format !== 'ndjson' && format !== 'xml') {
    process.stderr.write(`vigil evtx: unknown format ${JSON.stringify(format)} (use ndjson or xml)\n`);
    return 2;
  }
  // records are short-lived too: a pretenured site would send each one to the old generation (src/runtime/pretenuring.ts)
  turnOffPretenuring();
  const setting = workersOption(workers);
  if (setting === undefined) {
    process.stderr.write(`vigil evtx: --workers must be a number from 0 to 64 or auto, not ${JSON.stringify(workers)}\n`);
    return 2;
  }
  // `vigil evtx x.evtx | head`: a closed pipe ends the output quietly
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  let code = 0;
  const ingested = new Date().toISOString();
  const host = hostname();
  const sizes = files.map((f) => { try { return statSync(f).size; } catch { return 0; } });
  const bar = new ProgressBar(process.stderr, sizes.reduce((a, b) => a + b, 0), { unit: 'records' });
  const n = decodeWorkers(setting);
  const pool = n > 0 ? new DecodePool(n) : undefined;
  let done = 0, records = 0;
  try {
    for (const [i, file] of files.entries()) {
      const chunks = decodedChunks(file, {}, { output: format, hostName: host, ingested }, pool);
      try {
        for await (const c of chunks) {
          records += c.count;
          if (c.lastOffset >= 0) bar.update(done + c.lastOffset, records);
          if (c.lines && c.lines.length > 0 && !process.stdout.write(c.lines)) await new Promise((r) => process.stdout.once('drain', r));
        }
      } catch (e) {
        // a decode worker that died (out of memory, a bug): not the file's fault, and the rest would fail alike
        bar.finish();
        process.stderr.write(`vigil evtx: ${file}: ${(e as Error).message} (--workers 0 decodes without workers)\n`);
        return 1;
      }
      done += sizes[i];
      bar.update(done, records);
      const st = chunks.stats;
      if (st.records === 0 && (st.skippedChunks > 0 || st.issues.some((x) => x.kind === 'io'))) code = 1;
      const problems = readProblems(file, st);
      if (problems.length > 0) {
        bar.finish();
        process.stderr.write(problems.map((p) => `vigil evtx: ${p}\n`).join(''));
      }
    }
  } finally {
    await pool?.close();
  }
  bar.finish();
  return code;
}
