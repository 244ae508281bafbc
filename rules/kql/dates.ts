/**
 * Dates as Elasticsearch's default date format (`strict_date_optional_time||epoch_millis`) reads them,
 * in UTC unless an offset is given, with millisecond resolution.
 * A value is a span: `2026-01-01` covers the whole day, `…T10:00:00Z` the whole second. Elasticsearch
 * fills missing components with their minimum for `gte`/`lt` and their maximum for `gt`/`lte`
 * (and a term query on a date covers the whole span), so the span's ends are what ranges compare with.
 */
export interface DateSpan { from: number; to: number }

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH_MILLIS = /^-?\d+$/;

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** The span a date string denotes, or undefined when Elasticsearch would not parse it. */
export function parseDateSpan(text: string): DateSpan | undefined {
  const m = ISO.exec(text);
  if (!m) {
    if (!EPOCH_MILLIS.test(text)) return undefined;
    const ms = Number(text);
    return { from: ms, to: ms };
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const from = Date.UTC(year, month, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms) - offsetMs(zone);
  let next: number;
  if (frac !== undefined) return { from, to: from };
  if (s !== undefined) next = from + 1000;
  else if (mi !== undefined) next = from + 60_000;
  else if (h !== undefined) next = from + 3_600_000;
  else if (d !== undefined) next = from + 86_400_000;
  else if (mo !== undefined) next = Date.UTC(year, month + 1, 1) - offsetMs(zone);
  else next = Date.UTC(year + 1, 0, 1) - offsetMs(zone);
  return { from, to: next - 1 };
}

/** The instant a document's date value is indexed at (strings as above, numbers as epoch millis). */
export function dateValueMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v !== 'string') return undefined;
  return parseDateSpan(v)?.from;
}
