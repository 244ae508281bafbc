import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { evtxRecordDoc, readEvtx, readProblems } from '../../../collectors/evtx';
import { windowsDocId } from '../../../collectors/windows-event/event-mapping';
import { encodeRecord } from '../../../sinks/spool/record-line';
import { ProgressBar } from '../progress-bar';

/**
 * `vigil evtx <file.evtx>... [--format ndjson|xml]`: decodes exported Windows event logs on any OS.
 * ndjson prints one normalised event per record (id first, as the event store writes it); xml prints
 * the Event XML, with a progress bar on stderr when it is a terminal. What could not be decoded is
 * reported on stderr; the exit code is 1 when a file gave no record because it could not be read.
 */
export async function runEvtx(files: string[], format: string): Promise<number> {
  if (format !== 'ndjson' && format !== 'xml') {
    process.stderr.write(`vigil evtx: unknown format ${JSON.stringify(format)} (use ndjson or xml)\n`);
    return 2;
  }
  // `vigil evtx x.evtx | head`: a closed pipe ends the output quietly
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  let code = 0;
  const ingested = new Date().toISOString();
  const host = hostname();
  const sizes = files.map((f) => { try { return statSync(f).size; } catch { return 0; } });
  const bar = new ProgressBar(process.stderr, sizes.reduce((a, b) => a + b, 0), { unit: 'records' });
  let done = 0, records = 0;
  for (const [i, file] of files.entries()) {
    const reader = readEvtx(file);
    let out: string[] = [];
    for await (const rec of reader) {
      if (++records % 512 === 0) bar.update(done + rec.fileOffset, records);
      if (format === 'xml') out.push(`${rec.xml()}\n`);
      else {
        const doc = evtxRecordDoc(rec, { hostName: host, ingested });
        out.push(encodeRecord(windowsDocId(doc), doc));
      }
      if (out.length >= 1000) {
        if (!process.stdout.write(out.join(''))) await new Promise((r) => process.stdout.once('drain', r));
        out = [];
      }
    }
    if (out.length) process.stdout.write(out.join(''));
    done += sizes[i];
    bar.update(done, records);
    const st = reader.stats;
    if (st.records === 0 && (st.skippedChunks > 0 || st.issues.some((x) => x.kind === 'io'))) code = 1;
    const problems = readProblems(file, st);
    if (problems.length > 0) {
      bar.finish();
      process.stderr.write(problems.map((p) => `vigil evtx: ${p}\n`).join(''));
    }
  }
  bar.finish();
  return code;
}
