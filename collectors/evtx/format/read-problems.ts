import type { EvtxStats } from './types';

/**
 * What a finished read of `file` could not deliver, one line each, for a person: the file could not
 * be opened or read, damaged chunks and records were skipped, records were read from chunks whose
 * checksums failed, or the file ends inside a chunk.
 * Empty when everything was read.
 */
export function readProblems(file: string, st: EvtxStats): string[] {
  const out: string[] = [];
  for (const io of st.issues) if (io.kind === 'io') out.push(`${file}: ${io.message}`);
  const lost: string[] = [];
  if (st.skippedChunks) lost.push(`skipped ${st.skippedChunks} damaged chunks`);
  if (st.skippedRecords) lost.push(`skipped ${st.skippedRecords} damaged records`);
  if (st.scannedChunks) lost.push(`${st.scannedChunks} chunks with unusable headers scanned for records`);
  if (st.checksumMismatches) lost.push(`${st.checksumMismatches} checksum mismatches`);
  if (st.checksumMismatchRecords) lost.push(`${st.checksumMismatchRecords} records read from chunks failing their checksums (tagged vigil_evtx_checksum_mismatch)`);
  if (st.truncatedChunks) lost.push('the file ends inside its last chunk (truncated)');
  if (lost.length > 0) out.push(`${file}: ${st.records} records read; ${lost.join(', ')}`);
  return out;
}
