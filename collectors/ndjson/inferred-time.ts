/**
 * Event time for lines without one (SPEC sections 1 and 2). A line that is not JSON, or has no
 * timestamp field, or one that does not parse, is normalised with ingest time; but the wall clock says
 * when Vigil read the line, not when it was written, and a backlog read today would put it in today's
 * windows. Such an event takes the time of the previous event of the same source instead, with the tag
 * `vigil_timestamp_inferred`; only when its source has had no event with a time yet does it keep ingest
 * time (the caller is told, so that a backtest can leave it out of the windows).
 *
 * One `SourceClock` per source, fed every event of the source in read order: the file collector keeps
 * one per file it reads, the backtest one per input file. It remembers the last time only, so a daemon
 * restarted in the middle of a file starts without one.
 */
import type { EventDoc } from '../../src/core/event';

export const TAG_TIMESTAMP_INFERRED = 'vigil_timestamp_inferred';

/** Where an event's `@timestamp` came from. */
export type TimeOrigin = 'own' | 'inferred' | 'ingest';

export class SourceClock {
  /** `@timestamp` of the last event of the source that had one of its own */
  private last: unknown = undefined;

  /** The time events without one would take now (undefined: the source has had no event with a time yet). */
  get latest(): unknown { return this.last; }

  /**
   * Moves the clock on to `time`, the last own time of events placed by another clock of the same source
   * (a worker's, for a run of lines it placed alone); undefined leaves it as it is.
   */
  moveTo(time: unknown): void {
    if (time !== undefined) this.last = time;
  }

  /**
   * The next event of the source, as normalised; `hadTime` says whether its `@timestamp` is its own
   * (lineHadTime() of the NDJSON normaliser). An event without one gets the last time, and the tag.
   */
  place(doc: EventDoc, hadTime: boolean): TimeOrigin {
    if (hadTime) {
      this.last = doc['@timestamp'];
      return 'own';
    }
    if (this.last === undefined) return 'ingest';
    doc['@timestamp'] = this.last;
    const tags = doc.tags;
    if (Array.isArray(tags)) {
      if (!tags.includes(TAG_TIMESTAMP_INFERRED)) tags.push(TAG_TIMESTAMP_INFERRED);
    } else {
      doc.tags = [TAG_TIMESTAMP_INFERRED];
    }
    return 'inferred';
  }
}
