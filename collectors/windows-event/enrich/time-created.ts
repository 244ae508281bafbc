/**
 * `winlog.time_created`: TimeCreated/@SystemTime in UTC with all the precision Windows keeps (100 ns,
 * seven fractional digits), as Winlogbeat writes event times: `2019-09-06T13:39:43.0856521Z`.
 * `@timestamp` keeps milliseconds (truncated); this field keeps the rest, so the order of events of
 * one millisecond is not lost.
 *
 * Accepts the forms the readers meet: Windows' own (`…51.681641200Z`, `…51.6816410Z`), dumps of .evtx
 * files (`2016-07-08 18:12:51.681641`), shorter fractions (Go trims trailing zeros), and an offset instead
 * of `Z`. More than seven digits are truncated, fewer are padded. Undefined when it is not such a time.
 */
export function windowsTimeCreated(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (isCanonical(value)) return value; // the .evtx reader's form: most events, no regex, no Date
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?\s*([Zz]|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const frac = ((m[3] ?? '') + '0000000').slice(0, 7);
  const zone = m[4];
  if (!zone || zone === 'Z' || zone === 'z' || /^[+-]00:?00$/.test(zone)) {
    if (!Number.isFinite(Date.parse(`${m[1]}T${m[2]}Z`))) return undefined;
    return `${m[1]}T${m[2]}.${frac}Z`;
  }
  const t = Date.parse(`${m[1]}T${m[2]}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  if (!Number.isFinite(t)) return undefined;
  return `${new Date(t).toISOString().slice(0, 19)}.${frac}Z`;
}

/** `YYYY-MM-DDTHH:MM:SS.fffffffZ` exactly (digits where digits belong; the calendar is not checked). */
function isCanonical(s: string): boolean {
  if (s.length !== 28 || s.charCodeAt(27) !== 90 /* Z */) return false;
  for (let i = 0; i < 27; i++) {
    const c = s.charCodeAt(i);
    const want = i === 4 || i === 7 ? 45 /* - */ : i === 10 ? 84 /* T */ : i === 13 || i === 16 ? 58 /* : */ : i === 19 ? 46 /* . */ : -1;
    if (want === -1 ? c < 48 || c > 57 : c !== want) return false;
  }
  return true;
}
