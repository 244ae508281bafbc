/**
 * Timestamp detection and parsing for the NDJSON normaliser (SPEC section 2).
 *
 * Every accepted value is turned into the one output form `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC, milliseconds;
 * anything finer is truncated, never rounded up into the next millisecond).
 *
 * Accepted:
 * - numbers and numeric strings (`1700000000`, `"1700000000.25"`): epoch values told apart by magnitude —
 *   seconds (< 1e11), milliseconds (< 1e14), microseconds (< 1e17), else nanoseconds. Negative values are
 *   refused (no logger writes them; they are far more likely to be something else than a time).
 * - ISO 8601 / RFC 3339: `2024-01-02T03:04:05Z`, `...05.123456789+02:00`, `...05+0200`, `...05+02`,
 *   a space (or lower-case `t`) instead of `T`, a comma as decimal mark, minutes without seconds,
 *   a bare date (`2024-01-02` = midnight UTC), a trailing `UTC`/`GMT`, and Go's `time.String()` form
 *   (`2024-01-02 03:04:05.123 +0000 UTC`). A date-time WITHOUT an offset is taken as UTC, the way
 *   Elasticsearch reads it (a log shipper cannot know the writer's zone).
 * - RFC 1123/2822 (`Tue, 02 Jan 2024 03:04:05 GMT`, `2 Jan 2024 03:04:05 +0200`) and the Apache/NGINX
 *   common log format time (`02/Jan/2024:03:04:05 +0000`).
 *
 * Years outside 0000-9999 are refused (they have no 4-digit ISO form and no index accepts them).
 * `Date.parse` is deliberately not used as a fallback: V8's legacy parser accepts almost anything
 * (`"1"` is the year 2001), which would turn ordinary fields into wrong event times.
 *
 * The hot path (numbers and ISO strings) uses no regex and allocates no Date: a canonical
 * `...sss'Z'` string is returned as it is after validation, and epoch values are formatted with a
 * one-entry cache of the `YYYY-MM-DDTHH:mm:ss.` prefix (consecutive log lines share their second).
 */

const MIN_MS = -62167219200000; // 0000-01-01T00:00:00.000Z
const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999Z

/** "000Z".."999Z": the milliseconds and the zone, appended to the cached prefix in one concatenation */
const MS3Z: string[] = new Array<string>(1000);
for (let i = 0; i < 1000; i++) MS3Z[i] = `${(i < 10 ? '00' : i < 100 ? '0' : '') + i}Z`;

let cacheSec = NaN;
let cachePrefix = '';

/** Formats an integral epoch millisecond value (within 0000-9999) as `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function formatEpochMs(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== cacheSec) {
    cachePrefix = new Date(sec * 1000).toISOString().slice(0, 20); // "YYYY-MM-DDTHH:mm:ss."
    cacheSec = sec;
  }
  return cachePrefix + MS3Z[ms - sec * 1000];
}

let minuteText = '';
let minuteMs = NaN;

/**
 * `Date.parse(s)`, quicker for the canonical form Vigil writes (`YYYY-MM-DDTHH:mm:ss.sssZ`): the
 * minute is parsed once (by Date.parse) and kept while the events of that minute come, and seconds
 * and milliseconds are added to it. Anything else (another form, hours past 23, a leap second) is
 * Date.parse's own answer. The rules engine reads every event's time with it.
 */
export function parseIsoMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(16) !== 58 /* : */ || s.charCodeAt(19) !== 46 /* . */) return Date.parse(s);
  const s1 = s.charCodeAt(17) - 48, s2 = s.charCodeAt(18) - 48;
  const m1 = s.charCodeAt(20) - 48, m2 = s.charCodeAt(21) - 48, m3 = s.charCodeAt(22) - 48;
  if (!(s1 >= 0 && s1 <= 5 && s2 >= 0 && s2 <= 9 && m1 >= 0 && m1 <= 9 && m2 >= 0 && m2 <= 9 && m3 >= 0 && m3 <= 9)) return Date.parse(s);
  if (minuteText.length !== 16 || !s.startsWith(minuteText)) {
    // hour 24 ("24:00") is Date.parse's own business: only 24:00:00.000 is a time then
    if (s.charCodeAt(11) === 50 /* 2 */ && s.charCodeAt(12) >= 52 /* 4 */) return Date.parse(s);
    const prefix = s.slice(0, 16);
    minuteMs = Date.parse(`${prefix}:00.000Z`);
    minuteText = prefix;
  }
  return minuteMs + (s1 * 10 + s2) * 1000 + m1 * 100 + m2 * 10 + m3;
}

/** Epoch number -> integral epoch milliseconds, by magnitude; undefined when not usable. */
export function epochToMs(n: number): number | undefined {
  if (!(n >= 0) || n === Infinity) return undefined; // also NaN
  let ms: number;
  if (n < 1e11) {
    // seconds, often a float (zap): the largest whole millisecond m with m / 1000 <= n, so that
    // 1700000000.123 (stored as 1700000000.12299990654, times 1000 = ...122.99999) still gives .123,
    // and 1767311999.9999996 stays in its second (rounding it to the microsecond first made it the
    // next second, and at 23:59:59 the next day).
    ms = Math.floor(n * 1000);
    if ((ms + 1) / 1000 <= n) ms++;
  } else if (n < 1e14) {
    ms = Math.floor(n);
  } else if (n < 1e17) {
    ms = Math.floor(n / 1e3);
  } else {
    ms = Math.floor(n / 1e6);
  }
  return ms <= MAX_MS ? ms : undefined;
}

/**
 * Parses a candidate timestamp value (as found in a JSON line). Returns the canonical ISO string,
 * or undefined when the value is not a time we can read.
 */
export function parseTimestamp(v: unknown): string | undefined {
  lastIn = v;
  if (typeof v === 'string') return parseTimeString(v);
  if (typeof v === 'number') {
    const ms = epochToMs(v);
    return ms === undefined ? undefined : formatParsed(ms);
  }
  return undefined;
}

/** The value parseTimestamp was last given, as it was written (full precision). */
let lastIn: unknown;

/**
 * The value parseTimestamp was last given, as written: the NDJSON normaliser asks right after a line
 * whose time was its own (the last value parsed is then the one its time came from: no candidate is
 * parsed after the one that gives the time), for what the millisecond form dropped (a Windows event's
 * 100-ns TimeCreated), without reading the parsed line again.
 */
export function lastTimestampInput(): unknown {
  return lastIn;
}

/** The last time string parseTimestamp/parseTimeString returned, and its epoch milliseconds. */
let lastOut: string | undefined;
let lastOutMs = NaN;

function formatParsed(ms: number): string {
  const s = formatEpochMs(ms);
  lastOut = s;
  lastOutMs = ms;
  return s;
}

/**
 * Epoch milliseconds of a canonical time string: without parsing it again when it is the one the
 * normaliser's last parse returned (the collector asks right after normalising a line, so that the rules
 * engine does not read every event's time twice); parseIsoMs otherwise.
 */
export function timeMsOf(s: unknown): number {
  if (s === lastOut && s !== undefined) return lastOutMs;
  return typeof s === 'string' ? parseIsoMs(s) : NaN;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The last canonical time string taken as it was: the lines of a log repeat its "YYYY-MM-DDTHH:mm:ss." */
let lastCanonical = '';
/** its epoch milliseconds less its milliseconds digits */
let lastCanonicalSecMs = NaN;

/** True when `s` is the canonical form and shares its second with the last one taken as it was. */
function sameSecondCanonical(s: string): boolean {
  if (s.length !== 24 || s.charCodeAt(23) !== 90) return false;
  // Compared character by character, seconds first (they differ most often): cheaper than
  // startsWith() against a sliced prefix, which V8 does not inline.
  const last = lastCanonical;
  for (let i = 19; i >= 0; i--) if (s.charCodeAt(i) !== last.charCodeAt(i)) return false;
  const a = s.charCodeAt(20) - 48, b = s.charCodeAt(21) - 48, c = s.charCodeAt(22) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9;
}

export function parseTimeString(s: string): string | undefined {
  if (sameSecondCanonical(s)) {
    lastOut = s;
    lastOutMs = lastCanonicalSecMs + (s.charCodeAt(20) - 48) * 100 + (s.charCodeAt(21) - 48) * 10 + (s.charCodeAt(22) - 48);
    return s;
  }
  let n = s.length;
  if (n === 0) return undefined;
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(n - 1))) {
    s = s.trim();
    n = s.length;
    if (n === 0) return undefined;
  }
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (n >= 10 && s.charCodeAt(4) === 45) return parseIso(s);
    const num = numericString(s);
    if (num !== undefined) {
      const ms = epochToMs(num);
      return ms === undefined ? undefined : formatParsed(ms);
    }
  }
  return parseOther(s);
}

/** `digits` or `digits.digits` -> number; anything else undefined. */
function numericString(s: string): number | undefined {
  const n = s.length;
  let dot = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46 && !dot && i > 0 && i < n - 1) {
      dot = true;
      continue;
    }
    return undefined;
  }
  return Number(s);
}

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  // NaN (past the end) fails these comparisons
  if (a >= 0 && a <= 9 && b >= 0 && b <= 9) return a * 10 + b;
  return -1;
}

function d4(s: string, i: number): number {
  const a = d2(s, i);
  const b = d2(s, i + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function finish(ms: number): string | undefined {
  return ms >= MIN_MS && ms <= MAX_MS ? formatParsed(ms) : undefined;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function parseIso(s: string): string | undefined {
  const n = s.length;
  const y = d4(s, 0);
  if (y < 0) return undefined;
  const mo = d2(s, 5);
  if (mo < 1 || mo > 12 || s.charCodeAt(7) !== 45) return undefined;
  const d = d2(s, 8);
  if (d < 1 || d > daysInMonth(y, mo)) return undefined;
  const days = daysFromCivil(y, mo, d);
  if (n === 10) return finish(days * 86400000);
  const t = s.charCodeAt(10);
  if (t !== 84 /* T */ && t !== 116 /* t */ && t !== 32 /* space */) return undefined;
  const h = d2(s, 11);
  if (h < 0 || h > 23 || s.charCodeAt(13) !== 58) return undefined;
  const mi = d2(s, 14);
  if (mi < 0 || mi > 59) return undefined;
  let i = 16;
  let sec = 0;
  if (s.charCodeAt(16) === 58) {
    sec = d2(s, 17);
    if (sec < 0 || sec > 60) return undefined; // 60: leap second, rolls into the next minute
    i = 19;
  }
  let frac = 0;
  let digits = 0;
  const c = s.charCodeAt(i);
  if (c === 46 || c === 44) {
    i++;
    while (i < n) {
      const dc = s.charCodeAt(i) - 48;
      if (!(dc >= 0 && dc <= 9)) break;
      if (digits < 3) frac = frac * 10 + dc;
      digits++;
      i++;
    }
    if (digits === 0) return undefined;
    if (digits === 1) frac *= 100;
    else if (digits === 2) frac *= 10;
  }
  let off = 0; // minutes east of UTC
  let zulu = false;
  if (i < n) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i === n) return undefined;
    const z = s.charCodeAt(i);
    if (z === 90 /* Z */ || z === 122 /* z */) {
      if (i + 1 !== n) return undefined;
      zulu = true;
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      const oh = d2(s, i + 1);
      if (oh < 0 || oh > 23) return undefined;
      let j = i + 3;
      let om = 0;
      if (j < n && s.charCodeAt(j) !== 32) {
        if (s.charCodeAt(j) === 58) j++;
        om = d2(s, j);
        if (om < 0 || om > 59) return undefined;
        j += 2;
      }
      if (j < n) {
        // Go's time.String(): "-0700 MST" — a zone abbreviation after the numeric offset is ignored
        if (s.charCodeAt(j) !== 32 || j + 1 === n) return undefined;
        for (let k = j + 1; k < n; k++) if (!isLetter(s.charCodeAt(k))) return undefined;
      }
      off = (oh * 60 + om) * (z === 43 ? 1 : -1);
    } else {
      const rest = s.slice(i);
      if (rest !== 'UTC' && rest !== 'GMT' && rest !== 'utc' && rest !== 'gmt') return undefined;
    }
  }
  const ms = days * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + frac - off * 60000;
  if (zulu && n === 24 && t === 84 && digits === 3 && sec < 60 && s.charCodeAt(23) === 90) {
    if (!(ms >= MIN_MS && ms <= MAX_MS)) return undefined;
    lastCanonical = s;
    lastCanonicalSecMs = ms - frac;
    lastOut = s;
    lastOutMs = ms;
    return s; // already canonical: no new string
  }
  return finish(ms);
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};
const ZONES: Record<string, number> = {
  gmt: 0, ut: 0, utc: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

// 02/Jan/2024:03:04:05 +0000   (Apache / NGINX common log format)
const CLF_RE = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s+([+-])(\d{2}):?(\d{2}))?$/;
// Tue, 02 Jan 2024 03:04:05 GMT | 2 Jan 2024 03:04 +0200   (RFC 1123 / 2822)
const RFC2822_RE =
  /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]{1,3})))?$/;

function fromParts(y: number, mon: string, d: number, h: number, mi: number, sec: number, off: number): string | undefined {
  const mo = MONTHS[mon.toLowerCase()];
  if (mo === undefined || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 60) return undefined;
  return finish(daysFromCivil(y, mo, d) * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 - off * 60000);
}

/** Rare formats (regex is fine here: this is not the common path). */
function parseOther(s: string): string | undefined {
  if (s.length > 64) return undefined;
  let m = CLF_RE.exec(s);
  if (m) {
    const off = m[7] ? (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '+' ? 1 : -1) : 0;
    return fromParts(Number(m[3]), m[2], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), off);
  }
  m = RFC2822_RE.exec(s);
  if (m) {
    let off = 0;
    if (m[7]) off = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '+' ? 1 : -1);
    else if (m[10]) {
      const z = ZONES[m[10].toLowerCase()];
      if (z === undefined) return undefined;
      off = z;
    }
    return fromParts(Number(m[3]), m[2], Number(m[1]), Number(m[4]), Number(m[5]), m[6] ? Number(m[6]) : 0, off);
  }
  return undefined;
}
