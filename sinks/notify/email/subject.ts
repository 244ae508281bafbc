import type { Alert } from '../../../rules';
import { alertView, renderTemplate } from '../view/template-view';

/** Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): they reorder what a reader sees. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * A value from an event made safe for a subject line: one line; no bidi controls (removed, so
 * `invoice\u202Efdp.exe` reads as it is stored); no RFC 2047 encoded-word (`=?utf-8?B?…?=` would be
 * decoded by the reader's mail client into any text, a spoofed subject): its `=?` becomes `= ?`.
 * nodemailer encodes whatever is left that needs encoding.
 */
export function subjectValue(v: string): string {
  return v.replace(/[\r\n]+/g, ' ').replace(BIDI_CONTROLS, '').replace(/=\?/g, '= ?');
}

/**
 * The notifier's subject template (Mustache, sinks/notify/view/template-view.ts) filled in and made
 * one clean line through {@link subjectValue}. A resolved alert says so even when the template has
 * no `{{state}}`.
 */
export function renderSubject(template: string, alert: Alert, kibanaUrl?: string): string {
  const filled = subjectValue(renderTemplate(template, alertView(alert, kibanaUrl)));
  const mentionsState = /\{\{[{&#^]?\s*state\s*\}/.test(template);
  return alert.state === 'resolved' && !mentionsState ? `[RESOLVED] ${filled}` : filled;
}
