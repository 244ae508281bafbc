import type { EvtxIssue, EvtxIssueKind } from './format/types';

/**
 * The damage found in one .evtx file, each problem counted once however often the file is read
 * (a resumed read decodes the chunk of its checkpoint again, and checks the file header again).
 * The "dirty" header flag is kept apart: it only says the writer did not close the file.
 */
export class FileProblems {
  private seen = new Set<string>();
  readonly counts: Partial<Record<EvtxIssueKind, number>> = {};
  total = 0;
  /** records lost to the damage (each problem's `records`) */
  skippedRecords = 0;
  dirty = false;
  /** the first problem found, for the status */
  first: string | null = null;

  /** Records an issue; true when it is a problem not seen before in this file. */
  add(issue: EvtxIssue): boolean {
    if (issue.kind === 'file-dirty') { this.dirty = true; return false; }
    const key = `${issue.kind}@${issue.fileOffset ?? ''}#${issue.recordId ?? ''}:${issue.message}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.counts[issue.kind] = (this.counts[issue.kind] ?? 0) + 1;
    this.total++;
    this.skippedRecords += issue.records ?? 0;
    if (!this.first) this.first = issue.message;
    return true;
  }
}
