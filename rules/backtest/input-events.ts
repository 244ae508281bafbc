import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { evtxRecordDoc, readEvtx, readProblems } from '../../collectors/evtx';
import { lineHadTime, normaliseNdjsonAscii } from '../../collectors/ndjson/ndjson';
import { SourceClock } from '../../collectors/ndjson/inferred-time';
import type { EventDoc } from '../../src/core/event';

/**
 * One backtest input, read in file order and normalised exactly as the daemon normalises it:
 * NDJSON (plain or .gz) through the NDJSON normaliser, `.evtx` through the Windows mapping shared
 * with the live collector.
 */
export interface InputEvents {
  readonly file: string;
  readonly kind: 'ndjson' | 'evtx';
  readonly events: AsyncGenerator<EventDoc, void, undefined>;
  /** Bytes of the file read so far (compressed bytes for .gz): for the progress bar. */
  position(): number;
  /** What could not be read, once the events are done (for stderr and the report). */
  problems(): string[];
  /**
   * True for an event of this input with no time of its own and no earlier event with one in its file:
   * its `@timestamp` is ingest time, which a backtest leaves out of the windows. (Absent: none is.)
   */
  untimed?(doc: EventDoc): boolean;
}

const EVTX_MAGIC = 'ElfFile\0';

/** An exported Windows event log: by its signature, or by its name when the header is damaged. */
export function isEvtxFile(file: string): boolean {
  if (/\.evtx$/i.test(file)) return true;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(8);
    return readSync(fd, head, 0, 8, 0) === 8 && head.toString('latin1') === EVTX_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function openInput(file: string, ingested: string): InputEvents {
  return isEvtxFile(file) ? evtxInput(file, ingested) : ndjsonInput(file, ingested);
}

function ndjsonInput(file: string, ingested: string): InputEvents {
  let raw: ReadStream | undefined;
  const problems: string[] = [];
  const ctx = { hostName: 'backtest', path: file, offset: 0, dataset: basename(file).replace(/\.(nd)?json(\.gz)?$/, ''), truncated: false, ingested };
  // a line without a time takes the time of the line before it (tag vigil_timestamp_inferred), as the file collector does
  const clock = new SourceClock();
  const untimed = new WeakSet<EventDoc>();
  async function* events(): AsyncGenerator<EventDoc, void, undefined> {
    // opened on the first read, so that an input never read holds no file descriptor
    raw = createReadStream(file);
    const rl = createInterface({ input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
    let offset = 0;
    try {
      for await (const line of rl) {
        const len = Buffer.byteLength(line) + 1;
        if (line.trim() !== '') {
          ctx.offset = offset;
          const doc = normaliseNdjsonAscii(line, ctx);
          if (clock.place(doc, lineHadTime()) === 'ingest') untimed.add(doc);
          yield doc;
        }
        offset += len;
      }
    } catch (e) {
      // an unreadable file or a damaged .gz: what was read counts, the rest is reported
      problems.push(`${file}: reading stopped at byte ${raw.bytesRead}: ${(e as Error).message}`);
    } finally {
      rl.close();
      raw.destroy();
    }
  }
  return { file, kind: 'ndjson', events: events(), position: () => raw?.bytesRead ?? 0, problems: () => problems, untimed: (doc) => untimed.has(doc) };
}

function evtxInput(file: string, ingested: string): InputEvents {
  const reader = readEvtx(file);
  let position = 0;
  const ctx = { hostName: 'backtest', ingested };
  // a record without TimeCreated (a damaged one) is mapped with ingest time: it takes the record before it
  const clock = new SourceClock();
  const untimed = new WeakSet<EventDoc>();
  async function* events(): AsyncGenerator<EventDoc, void, undefined> {
    for await (const rec of reader) {
      position = rec.fileOffset;
      const doc = evtxRecordDoc(rec, ctx);
      if (clock.place(doc, doc['@timestamp'] !== ingested) === 'ingest') untimed.add(doc);
      yield doc;
    }
  }
  return { file, kind: 'evtx', events: events(), position: () => position, problems: () => readProblems(file, reader.stats), untimed: (doc) => untimed.has(doc) };
}

/** The event time of a document, in ms (NaN when it has none that parses). */
export function eventTime(doc: EventDoc): number {
  return Date.parse(String(doc['@timestamp']));
}

/**
 * The time of a file's first event with a time (Infinity for a file without one), reading no further
 * than that: lines before it without a time of their own are left out of a backtest's windows.
 */
export async function firstEventTime(file: string): Promise<number> {
  const input = openInput(file, new Date(0).toISOString());
  try {
    for (;;) {
      const next = await input.events.next();
      if (next.done) return Infinity;
      if (input.untimed?.(next.value)) continue;
      const t = eventTime(next.value);
      return Number.isFinite(t) ? t : Infinity;
    }
  } finally {
    await input.events.return(undefined);
  }
}
