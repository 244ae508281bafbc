/** `vigil ctl alerts`: the `alerts` part of /status (src/runtime/status.ts) as two tables. */

export interface AlertsStatus {
  firing: Array<{ rule: string; id: string; group: Record<string, unknown>; since: string; count: number; silenced: boolean }>;
  rules: Array<{ rule: string; matched: number; fired: number; resolved: number; firing: number }>;
}

/**
 * The alerts firing now (rule, group, since, count, silenced) and, per rule, the events it matched
 * and the alerts it fired and resolved since it was loaded.
 */
export function formatAlerts(a: AlertsStatus): string {
  const lines: string[] = [];
  if (a.firing.length === 0) lines.push('no alert is firing');
  else {
    lines.push(`${a.firing.length} alert${a.firing.length === 1 ? '' : 's'} firing:`);
    lines.push(...table(
      ['rule', 'group', 'since', 'count', 'silenced'],
      a.firing.map((f) => [f.rule, groupText(f.group), f.since, String(f.count), f.silenced ? 'yes' : 'no']),
      [false, false, false, true, false],
    ));
  }
  lines.push('');
  if (a.rules.length === 0) lines.push('no rules are running');
  else {
    lines.push('per rule, since it was loaded:');
    lines.push(...table(
      ['rule', 'matched', 'fired', 'resolved', 'firing'],
      a.rules.map((r) => [r.rule, String(r.matched), String(r.fired), String(r.resolved), String(r.firing)]),
      [false, true, true, true, true],
    ));
  }
  return lines.join('\n');
}

/** `user.name=bob, host.name=web1`; "all events" without group_by; "(missing)" for an event without the field. */
function groupText(g: Record<string, unknown>): string {
  const e = Object.entries(g);
  if (e.length === 0) return 'all events';
  return e.map(([k, v]) => `${k}=${v === null || v === undefined ? '(missing)' : oneLine(typeof v === 'string' ? v : JSON.stringify(v))}`).join(', ');
}

/** A value from events, shown on one line and cut (a terminal is no place for a 10 kB group value). */
function oneLine(s: string): string {
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
}

function table(head: string[], rows: string[][], right: boolean[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? (right[i] ? c.padStart(widths[i]) : c) : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [fmt(head), ...rows.map(fmt)].map((l) => `  ${l}`.trimEnd());
}
