import { MAX_CHUNK_RECORDS } from './chunk-header';
import type { EvtxIssue } from './types';

type Loss = Pick<EvtxIssue, 'kind' | 'message' | 'recordId' | 'records'> & { offset: number };

/**
 * The records one chunk loses, each counted once. Bytes that are not a whole record form a damaged
 * spot, closed at the next record framed there: the records it swallowed are the gap between the ids
 * around it (records of a chunk carry consecutive ids), at least one. A record that does not decode,
 * or lies outside a trustworthy header's id range (a left-over), is one. When the header is
 * trustworthy, the records it declares that were neither read nor counted (zeroed, cut off) are
 * counted at the end, as `records-missing`.
 */
export class ChunkLosses {
  private spot: number | undefined;
  /** records counted lost inside the id range: spots and undecodable records */
  private counted = 0;
  /** records read inside the id range, each id once (ids of a chunk only grow: a repeated or lower one is not counted) */
  private read = 0;
  private maxRead = -1n;
  /** the id of the last record framed (read or not; left-overs aside) */
  private prevId: bigint | undefined;

  constructor(
    private readonly idRange: { first: bigint; last: bigint } | undefined,
    /** where the chunk's ids start, when the header says so plausibly (for a spot before the first record) */
    private readonly firstIdHint: bigint | undefined,
    private readonly emit: (loss: Loss) => void,
  ) {}

  /** The id of the last record framed, if any. */
  get lastId(): bigint | undefined {
    return this.prevId;
  }

  /** The bytes at chunk offset `pos` are not a record (the start of a damaged spot, or more of one). */
  damaged(pos: number): void {
    if (this.spot === undefined) this.spot = pos;
  }

  /** A record framed and decoded. */
  decoded(id: bigint): void {
    this.framed(id);
    if (this.idRange && id > this.maxRead) {
      this.read++;
      this.maxRead = id;
    }
  }

  /** A record framed whose Binary XML does not decode. */
  undecodable(id: bigint, pos: number, why: string): void {
    this.framed(id);
    this.counted++;
    this.emit({ kind: 'record-decode', message: `record ${id}: ${why}`, recordId: id.toString(), records: 1, offset: pos });
  }

  /** A record outside the trustworthy header's id range: a left-over of an earlier use of the chunk. */
  stale(id: bigint, pos: number): void {
    this.closeSpot(undefined);
    const r = this.idRange!;
    this.emit({ kind: 'record-stale', message: `record ${id} outside the chunk's id range ${r.first}-${r.last}`, recordId: id.toString(), records: 1, offset: pos });
  }

  /** The end of the chunk's records. */
  finish(): void {
    this.closeSpot(undefined);
    if (!this.idRange) return;
    const { first, last } = this.idRange;
    const missing = Number(last - first) + 1 - this.read;
    if (missing > this.counted) {
      const n = missing - this.counted;
      this.emit({
        kind: 'records-missing', offset: 0, records: n,
        message: `${n} of the records ${first}-${last} that the chunk header declares were not found${this.counted ? ' (besides the damage reported)' : ''}`,
      });
    }
  }

  private framed(id: bigint): void {
    this.closeSpot(id);
    this.prevId = id;
  }

  /** Counts the open spot, if any, as the records between the ids around it (`next` undefined: unknown, one). */
  private closeSpot(next: bigint | undefined): void {
    if (this.spot === undefined) return;
    const pos = this.spot;
    this.spot = undefined;
    const before = this.prevId ?? (this.firstIdHint !== undefined ? this.firstIdHint - 1n : undefined);
    let n = 1;
    if (next !== undefined && before !== undefined && next > before + 1n && next - before - 1n <= BigInt(MAX_CHUNK_RECORDS)) {
      n = Number(next - before - 1n);
    }
    this.counted += n;
    this.emit({
      kind: 'record-framing', records: n, offset: pos,
      message: `no valid record at chunk offset ${pos}${n > 1 ? ` (${n} records lost before record ${next})` : ''}`,
    });
  }
}
