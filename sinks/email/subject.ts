import type { Alert } from '../../rules/alerts/alert';
import { groupLabel } from '../alert-view/alert-summary';

/** The placeholders rules/load.ts documents for `subject` (unknown ones are left as written). */
const FIELDS: Record<string, (a: Alert) => string> = {
  rule: (a) => a.rule,
  severity: (a) => a.severity,
  group: (a) => groupLabel(a.group),
  count: (a) => String(a.count),
  state: (a) => a.state,
};

/**
 * The notifier's subject template filled in. Values lose line breaks (a header is one line; nodemailer
 * encodes the rest). A resolved alert says so even when the template has no `{{state}}`.
 */
export function renderSubject(template: string, alert: Alert): string {
  const filled = template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
    const f = FIELDS[name];
    return f ? f(alert).replace(/[\r\n]+/g, ' ') : whole;
  });
  const mentionsState = /\{\{\s*state\s*\}\}/.test(template);
  return alert.state === 'resolved' && !mentionsState ? `[RESOLVED] ${filled}` : filled;
}
