/**
 * `winlog.event_data` as the enrichment modules read it: strings only, with the values Windows and
 * Sysmon write for "nothing" left out (empty, `-`, the all-zero GUID), as Winlogbeat's modules do
 * before they map a field. `winlog.event_data` itself is not changed.
 */
const NULL_GUID = '{00000000-0000-0000-0000-000000000000}';

export type EventData = Record<string, string>;

export function eventDataView(winlog: Record<string, unknown>): EventData {
  const out: EventData = {};
  const ed = winlog.event_data;
  if (typeof ed !== 'object' || ed === null || Array.isArray(ed)) return out;
  const data = ed as Record<string, unknown>;
  for (const k in data) {
    const v = data[k];
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (s === undefined || s === '' || s === '-' || s === NULL_GUID) continue;
    out[k] = s;
  }
  return out;
}

/** The event id as a string: Vigil writes `winlog.event_id` as a number, Winlogbeat as a string. */
export function eventIdOf(winlog: Record<string, unknown>): string {
  const id = winlog.event_id;
  return typeof id === 'number' || typeof id === 'string' ? String(id).trim() : '';
}

/** A decimal integer field as a number (`"9044"` → 9044), undefined when it is not one. */
export function integerOf(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*-?\d+\s*$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
