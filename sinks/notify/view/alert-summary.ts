import type { Alert, AlertSample, TopCount } from '../../../rules';

/**
 * What every notification says about an alert, in one order, as plain strings: the email's text and
 * HTML parts and the Slack/Teams cards are all drawn from this, so they cannot drift apart.
 */
export interface SummaryRow { label: string; value: string }

/** The group as people read it: `bob`, or `host.name=dc1, winlog.event_data.param1=Spooler`. */
export function groupLabel(group: Record<string, unknown>): string {
  const entries = Object.entries(group);
  if (entries.length === 0) return 'all events';
  if (entries.length === 1) return groupValue(entries[0][1]);
  return entries.map(([k, v]) => `${k}=${groupValue(v)}`).join(', ');
}

/** A group_by value; an event without the field is grouped under null, shown as "(missing)". */
function groupValue(v: unknown): string {
  return v === null || v === undefined ? '(missing)' : display(v);
}

/**
 * The rows of an alert. A resolved alert repeats what its firing showed (the window that fired, its
 * count, first and last event, samples), labelled as the firing window's, then when it resolved.
 */
export function summaryRows(alert: Alert): SummaryRow[] {
  const resolved = alert.state === 'resolved';
  const rows: SummaryRow[] = [
    { label: 'Rule', value: alert.rule },
  ];
  if (alert.description) rows.push({ label: 'Description', value: alert.description });
  if (alert.references?.length) rows.push({ label: 'References', value: alert.references.join(', ') });
  rows.push(
    { label: 'Severity', value: alert.severity },
    { label: 'State', value: alert.state },
    { label: 'Group', value: Object.keys(alert.group).length ? Object.entries(alert.group).map(([k, v]) => `${k}=${groupValue(v)}`).join(', ') : 'all events' },
    { label: resolved ? 'Count in the firing window' : 'Count', value: String(alert.count) + (alert.reference !== undefined && alert.value === undefined ? ` (reference ${formatNumber(alert.reference)})` : '') },
    ...(alert.value !== undefined
      ? [{ label: resolved ? 'Value in the firing window' : 'Value', value: formatNumber(alert.value) + (alert.reference !== undefined ? ` (bound ${formatNumber(alert.reference)})` : '') }]
      : []),
    { label: resolved ? 'First event of the firing window' : 'First event', value: alert.first_event },
    { label: resolved ? 'Last event of the firing window' : 'Last event', value: alert.last_event },
    { label: resolved ? 'Firing window' : 'Window', value: `${alert.window.start} to ${alert.window.end}` },
  );
  if (resolved && alert.resolved_at) rows.push({ label: 'Resolved at', value: alert.resolved_at });
  else rows.push({ label: 'Fired at', value: alert.fired_at });
  rows.push({ label: 'Alert id', value: alert.id });
  return rows;
}

/** Fields shown first (in this order) in samples; the rest follow alphabetically, `message` last. */
const LEADING = ['@timestamp', 'log.level', 'host.name', 'service.name', 'event.code', 'winlog.channel', 'winlog.event_id', 'user.name', 'event.action'];
const MAX_VALUE_CHARS = 300;

/**
 * The columns of the samples table: the fields any sample has, in a stable, readable order (the
 * order of the rule's `include` when it chose them, `fields`).
 */
export function sampleColumns(samples: AlertSample[], fields?: string[]): string[] {
  const seen = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s)) seen.add(k);
  if (fields) return fields.filter((f) => seen.has(f));
  const lead = LEADING.filter((f) => seen.has(f));
  const rest = [...seen].filter((f) => !LEADING.includes(f) && f !== 'message').sort();
  return [...lead, ...rest, ...(seen.has('message') ? ['message'] : [])];
}

/** One value of a sample as text: objects flattened to `k=v` pairs, long strings cut. */
export function display(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'object') s = flatten(v as Record<string, unknown>).join(', ');
  else s = String(v);
  s = s.replace(/[\r\n]+/g, ' ');
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

function flatten(o: Record<string, unknown>, prefix = ''): string[] {
  if (Array.isArray(o)) return [`${prefix ? `${prefix}=` : ''}${o.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ')}`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, path));
    else out.push(`${path}=${Array.isArray(v) ? v.join(' ') : String(v)}`);
  }
  return out;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/**
 * The heading of an alert's samples: "Sample events (3 of 25, newest last)" with the number shown (the
 * email), "Samples (newest last)" without (chat messages). A resolved alert's samples are its firing
 * window's, and say so; when more are shown than the window counted (a flatline's window holds fewer
 * events than the group's last ones shown) they are the group's last events.
 */
export function samplesHeading(alert: Alert, shown?: number, noun = 'Samples'): string {
  const resolved = alert.state === 'resolved';
  if (shown !== undefined && shown > alert.count) return `Last events of the group${resolved ? ' when it fired' : ''} (${shown}, newest last)`;
  return `${noun}${resolved ? ' of the firing window' : ''} (${shown === undefined ? '' : `${shown} of ${alert.count}, `}newest last)`;
}

/** A sample in one line for chat messages: time, level and message, or the fields the rule's `include` chose. */
export function sampleLine(alert: Alert, s: AlertSample): string {
  if (alert.sample_fields) {
    return alert.sample_fields.filter((f) => s[f] !== undefined).map((f) => (f === '@timestamp' ? display(s[f]) : `${f}=${display(s[f])}`)).join('  ');
  }
  return [s['@timestamp'], s['log.level'], s.message ?? s['event.code']].filter((v) => v !== undefined).map(display).join('  ');
}

/** One field of `top_count_keys` as text: `bob (20), alice (3), 4 others`; "(missing)" for events without the field. */
export function topCountText(t: TopCount): string {
  const parts = t.values.map((v) => `${v.value === null ? '(missing)' : display(v.value)} (${v.count})`);
  if (t.others > 0) parts.push(`${t.others} other${t.others === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no events';
}

/** The top values of the rule's `top_count_keys` (none without them), one row per field. */
export function topCountRows(alert: Alert): SummaryRow[] {
  return (alert.top_counts ?? []).map((t) => ({ label: t.field, value: topCountText(t) }));
}

/** The heading of the top values: a resolved alert shows those of the window it fired on. */
export function topCountsHeading(alert: Alert): string {
  return alert.state === 'resolved' ? 'Top values in the window that fired' : 'Top values in the window';
}

/** "FIRING" / "RESOLVED", for headlines. */
export function stateWord(alert: Alert): string {
  return alert.state === 'resolved' ? 'RESOLVED' : 'FIRING';
}
