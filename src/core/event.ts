import { createHash } from 'node:crypto';

/** A normalised, ECS-shaped event document (SPEC section 2). Nested objects, never dotted keys. */
export type EventDoc = Record<string, unknown>;

/**
 * A span: consecutive events of one source, read in one go by a collector, acknowledged as a unit.
 * `source` is the checkpoint key (a file identity, a Windows channel, ...); `[start, end)` is the
 * range of the source the events cover (byte offsets for files, record ids for channels).
 * `pending` counts the sinks that do not have it yet; at zero the span is acknowledged.
 */
export interface Span {
  source: string;
  start: number;
  end: number;
  pending: number;
  events: PipelineEvent[];
}

/** An event travelling through the pipeline: its deterministic id, its document and the span it belongs to. */
export interface PipelineEvent {
  id: string;
  doc: EventDoc;
  span: Span;
  /**
   * `doc['@timestamp']` in epoch milliseconds, when the collector has it at hand (the NDJSON normaliser
   * has just parsed it): the rules engine then does not parse it again. Absent: read from the document.
   */
  time?: number;
  /**
   * The event's position in its source when the collector knows it and it is not the document's
   * `log.offset` (an Elasticsearch document's `_seq_no` in its shard): what the rules engine files as
   * counted, so that a restart does not count it twice.
   */
  position?: number;
  /**
   * The document may have dotted keys at its root (`{"event.code": …}`): a document read back from
   * Elasticsearch as it was stored, not made by Vigil's normalisers (their EventDoc never has). Rules
   * then read both forms of a path; otherwise they spare the lookup of the dotted form.
   */
  dottedRoot?: true;
  /**
   * The document's JSON text, `JSON.stringify(doc)` byte for byte, when the collector already made it (the
   * NDJSON file input's workers serialise each document once, away from the pipeline's thread): the sinks
   * write it instead of serialising the document again, and `doc` may then hold only the fields the loaded
   * rules read (the rules engine is its only reader). Whoever changes `doc` after the collector must drop it.
   */
  text?: string;
}

const hashOnce: ((algo: string, data: string, enc: 'hex' | 'base64url') => string) | undefined =
  (require('node:crypto') as { hash?: (a: string, d: string, e: 'hex' | 'base64url') => string }).hash;

function digest(data: string): string {
  if (hashOnce) return hashOnce('sha256', data, 'base64url').slice(0, 27);
  return createHash('sha256').update(data).digest('base64url').slice(0, 27);
}

/**
 * The id prefix of a file identity (a 128-bit content hash, in hex): the same bits, shorter.
 * Computed once per file; `fileEventId` appends the line's offset to it.
 */
export function fileIdPrefix(fileIdentity: string): string {
  return /^[0-9a-f]{32}$/.test(fileIdentity) ? Buffer.from(fileIdentity, 'hex').toString('base64url') : digest(`f|${fileIdentity}`).slice(0, 22);
}

/**
 * The part of a file line's id that names the host that read it: the first 8 characters (48 bits) of a
 * hash of its host name. Two hosts' files often begin with the same line (a CSV or IIS header, the
 * same application's first message), so their identities, hashes of that line, are the same: without
 * the host, their lines at equal offsets would share a document id, and Elasticsearch would keep one.
 */
export function hostIdTag(hostName: string): string {
  return digest(`h|${hostName.toLowerCase()}`).slice(0, 8);
}

/**
 * Document id of a line of a file: the file identity (itself a hash of the file's first line), the byte
 * offset of the line and the host's tag, e.g. `Xk3…Q.1f4a.Hh7_0aZq`. Deterministic and collision-free
 * without hashing every line; ids of one file share a prefix, which Elasticsearch's terms dictionary
 * compresses well.
 */
export function fileEventId(prefix: string, offset: number, hostTag: string): string {
  return `${prefix}.${offset.toString(36)}.${hostTag}`;
}

/** "00".."zz": the lowest two base-36 digits of an offset */
const BASE36_PAIRS: string[] = Array.from({ length: 36 * 36 }, (_, i) => i.toString(36).padStart(2, '0'));

/**
 * `fileEventId` for the lines of one file, which come in offset order: the digits above the lowest two
 * change only every 1296 bytes, so their text is kept and the lowest two come from a table. (Every line
 * needs an id, and Number#toString(36) is a call into the runtime.)
 */
export class FileEventIds {
  private readonly head: string;
  private readonly tail: string;
  private high = -1;
  private highText = '';

  constructor(prefix: string, hostTag: string) {
    this.head = `${prefix}.`;
    this.tail = `.${hostTag}`;
  }

  /** The same string as `fileEventId(prefix, offset, hostTag)`, for an integer offset >= 0. */
  of(offset: number): string {
    if (offset < 1296) return this.head + offset.toString(36) + this.tail;
    const high = Math.floor(offset / 1296);
    if (high !== this.high) {
      this.high = high;
      this.highText = this.head + high.toString(36);
    }
    return this.highText + BASE36_PAIRS[offset - high * 1296] + this.tail;
  }
}

/** The checkpoint key of a file's content (its identity: the hash of its first line). */
export function fileSourceKey(fileIdentity: string): string {
  return `file:${fileIdentity}`;
}

/**
 * The checkpoint key and offset a document id of `fileEventId` stands for, or null for any other id
 * (Windows events, or files whose identity is not a 128-bit hash). Lets a sink tell from an id alone
 * whether the committed checkpoints already cover that line.
 */
export function filePositionOfId(id: string): { source: string; offset: number } | null {
  const dot = id.indexOf('.');
  if (dot !== 22 || id.length > 48) return null;
  // (ids written before the host's tag was added end at the offset)
  const end = id.indexOf('.', dot + 1);
  const offset = parseInt(id.slice(dot + 1, end < 0 ? id.length : end), 36);
  if (!Number.isFinite(offset)) return null;
  const bytes = Buffer.from(id.slice(0, dot), 'base64url');
  if (bytes.length !== 16) return null;
  return { source: fileSourceKey(bytes.toString('hex')), offset };
}

/** Document id of a Windows event: hash(computer, channel, record id, time created). */
export function windowsEventId(computer: string, channel: string, recordId: string, timeCreated: string): string {
  return digest(`w|${computer.toLowerCase()}|${channel.toLowerCase()}|${recordId}|${timeCreated}`);
}
