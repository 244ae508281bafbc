import type { XmlElement } from '../../windows-event/xml-tree';
import type { WindowsEventFields } from '../../windows-event/event-fields';

/** One decoded event record. */
export interface EvtxRecord {
  /** EventRecordID from the record header, as a decimal string. */
  recordId: string;
  /** When the record was written (record header FILETIME), ISO 8601 UTC with 100 ns digits. */
  written: string;
  /** The <Event> element: names without namespace prefixes, text unescaped (built when first asked for when `fields` is there). */
  readonly tree: XmlElement;
  /** What the event mapping reads, taken straight from the template values when the record's template allows (record-fields.ts). */
  readonly fields?: WindowsEventFields;
  /** Byte offset of the record in the file. */
  fileOffset: number;
  /** Index of the chunk holding the record (0 = first chunk after the file header). */
  chunkIndex: number;
  /**
   * The record's chunk failed its CRC32 checks (header or record data) or could not be checked (header
   * not usable, chunk cut short): the record's framing was whole and its Binary XML decoded, but its
   * bytes are not verified. Mapped events carry the tag `vigil_evtx_checksum_mismatch`.
   */
  checksumMismatch: boolean;
  /** The tree serialised as Event XML. */
  xml(): string;
}

export type EvtxIssueKind =
  | 'file-header' // bad signature / checksum in the file header (reading goes on)
  | 'file-dirty' // header flag: the writer did not close the file (usual for copies of a live log; not damage)
  | 'chunk-checksum' // chunk header or record-data CRC32 mismatch (chunk still read)
  | 'chunk-signature' // chunk signature wrong but structure sane (chunk still read)
  | 'chunk-header' // chunk header not usable but the slot holds records: the chunk is scanned for them
  | 'chunk-skipped' // neither a usable header nor a record at the chunk's start: skipped
  | 'chunk-truncated' // last chunk cut short by end of file
  | 'record-framing' // bytes that should be a record are not one (skipped, reader resynchronises)
  | 'record-stale' // a record whose id lies outside the chunk header's range: left over from an earlier use (skipped)
  | 'record-decode' // record framed correctly but its Binary XML could not be decoded (skipped)
  | 'records-missing' // records the chunk header declares that were not found (zeroed, cut off, or several in one damaged spot)
  | 'io'; // the file could not be read

export interface EvtxIssue {
  kind: EvtxIssueKind;
  message: string;
  chunkIndex?: number;
  /** File offset where the problem was found. */
  fileOffset?: number;
  recordId?: string;
  /** How many records were lost with this problem (kinds record-framing, -stale, -decode and records-missing). */
  records?: number;
}

/** Counters kept while reading; the same object is updated as records stream out. */
export interface EvtxStats {
  /** Chunks read from the file (including damaged and empty ones). */
  chunks: number;
  /** Unused (all-zero) chunk slots. */
  emptyChunks: number;
  /** Records decoded and yielded. */
  records: number;
  /** Chunks not read: neither a usable header nor a record at their start. */
  skippedChunks: number;
  /** Chunks whose header was not usable, scanned for records. */
  scannedChunks: number;
  /**
   * Records lost: bytes that are not a whole record (each damaged spot once), records that do not decode,
   * left-overs outside the chunk's id range, and the records a trustworthy header declares that were not found.
   */
  skippedRecords: number;
  /** Records read (in `records`) from chunks whose checksums failed or could not be checked. */
  checksumMismatchRecords: number;
  /** Header and record-data CRC32 mismatches (file header + chunks). */
  checksumMismatches: number;
  /** Chunks whose signature was wrong but which were still read. */
  badChunkSignatures: number;
  truncatedChunks: number;
  /** Whether the file header was usable (signature ok). Reading goes on regardless. */
  fileHeaderOk: boolean;
  /** First issues (at most `maxIssues`), for reports. */
  issues: EvtxIssue[];
  /** All issues counted, including those not kept in `issues`. */
  issueCount: number;
}

export interface EvtxReadOptions {
  /** Check CRC32s (default true; files whose header says "no CRC32" are never checked). */
  verifyChecksums?: boolean;
  /** Called for every issue as it is found. */
  onIssue?: (issue: EvtxIssue) => void;
  /** How many issues `stats.issues` keeps (default 100). */
  maxIssues?: number;
  /** Stop after this many chunks (default: whole file). */
  maxChunks?: number;
  /**
   * Start at this chunk (default 0), to resume a file part-way: chunks decode on their own (templates
   * and strings are chunk-local), so nothing before it is needed. The file header is still checked.
   */
  firstChunk?: number;
  /**
   * The file the caller identified (device and inode): when the path holds another file by the time
   * it is opened (replaced or renamed over meanwhile), nothing is read and an 'io' issue says so.
   */
  expectFile?: { dev: number; ino: number };
}

export function newStats(): EvtxStats {
  return {
    chunks: 0, emptyChunks: 0, records: 0, skippedChunks: 0, scannedChunks: 0, skippedRecords: 0, checksumMismatchRecords: 0, checksumMismatches: 0,
    badChunkSignatures: 0, truncatedChunks: 0, fileHeaderOk: false, issues: [], issueCount: 0,
  };
}
