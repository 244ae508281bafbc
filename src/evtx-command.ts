import { hostname } from 'node:os';
import { readEvtx } from '../collectors/evtx';
import { windowsEventDoc, windowsDocId } from '../collectors/winevt/event-mapping';
import { encodeRecord } from './spool/record-line';

/**
 * `vigil evtx <file.evtx>... [--format ndjson|xml]`: decodes exported Windows event logs on any OS.
 * ndjson prints one normalised event per record (id first, as the event store writes it); xml prints
 * the Event XML. What could not be decoded is reported on stderr; the exit code is 1 when a file
 * could not be read at all.
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
  for (const file of files) {
    const reader = readEvtx(file);
    let out: string[] = [];
    for await (const rec of reader) {
      if (format === 'xml') out.push(`${rec.xml()}\n`);
      else {
        const doc = windowsEventDoc(rec.tree, { hostName: host, ingested });
        out.push(encodeRecord(windowsDocId(doc), doc));
      }
      if (out.length >= 1000) {
        if (!process.stdout.write(out.join(''))) await new Promise((r) => process.stdout.once('drain', r));
        out = [];
      }
    }
    if (out.length) process.stdout.write(out.join(''));
    const st = reader.stats;
    if (st.records === 0 && st.skippedChunks > 0) code = 1;
    if (st.skippedChunks || st.skippedRecords || st.checksumMismatches) {
      process.stderr.write(`${file}: ${st.records} records; skipped ${st.skippedChunks} chunks and ${st.skippedRecords} records, ${st.checksumMismatches} checksum mismatches\n`);
    }
  }
  return code;
}
