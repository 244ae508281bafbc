/**
 * Windows event id filters as Winlogbeat writes them: `4624, 4700-4800, -4735`.
 * Comma-separated terms; a term is an id or an inclusive range `lo-hi` (0..65535, lo <= hi);
 * a leading `-` excludes the id or range. With no include term every id not excluded matches.
 */

export interface EventIdFilter {
  include: Array<[number, number]>;
  exclude: Array<[number, number]>;
}

/** Thrown by {@link parseEventIdFilter}; `offset` is the index in the input of the faulty term. */
export class EventIdFilterError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'EventIdFilterError';
  }
}

const MAX_EVENT_ID = 65535;

export function parseEventIdFilter(s: string | number): EventIdFilter {
  const text = typeof s === 'number' ? String(s) : s;
  if (typeof text !== 'string') throw new EventIdFilterError('event_ids must be a string like "4624, 4700-4800, -4735"', 0);
  const include: Array<[number, number]> = [];
  const exclude: Array<[number, number]> = [];
  if (text.trim() === '') throw new EventIdFilterError('empty event_ids expression', 0);
  let offset = 0;
  for (const rawTerm of text.split(',')) {
    const lead = rawTerm.length - rawTerm.trimStart().length;
    const term = rawTerm.trim();
    const at = offset + lead;
    offset += rawTerm.length + 1;
    if (term === '') throw new EventIdFilterError('empty term in event_ids (two commas in a row, or a trailing comma?)', at);
    const m = /^(-)?\s*(\d+)(?:\s*-\s*(\d+))?$/.exec(term);
    if (!m) {
      throw new EventIdFilterError(
        `bad event_ids term "${term}": expected an id (4624), a range (4700-4800), or either with a leading "-" to exclude it`,
        at,
      );
    }
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    for (const n of [lo, hi]) {
      if (!Number.isSafeInteger(n) || n > MAX_EVENT_ID) {
        throw new EventIdFilterError(`bad event_ids term "${term}": event ids are 0-${MAX_EVENT_ID}`, at);
      }
    }
    if (lo > hi) throw new EventIdFilterError(`bad event_ids range "${term}": ${lo} is greater than ${hi}`, at);
    (m[1] ? exclude : include).push([lo, hi]);
  }
  return { include, exclude };
}

/** Does `id` pass the filter? Excludes win over includes; no include term means "all". */
export function matchEventId(filter: EventIdFilter, id: number): boolean {
  for (const [lo, hi] of filter.exclude) if (id >= lo && id <= hi) return false;
  if (filter.include.length === 0) return true;
  for (const [lo, hi] of filter.include) if (id >= lo && id <= hi) return true;
  return false;
}
