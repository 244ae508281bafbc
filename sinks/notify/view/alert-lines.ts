import type { Alert, AlertSample } from '../../../rules';
import { display, groupLabel, stateWord } from './alert-summary';

/**
 * The one-line forms of an alert that short messages use (chat robots, incident titles): its
 * headline, and a sample event as one line. Plain text, not escaped: each format escapes for itself.
 */
export function alertHeadline(a: Alert): string {
  return `${stateWord(a)}: ${a.rule} (${a.severity}) on ${groupLabel(a.group)}`;
}

/** A sample as one line: its time, level and message (or event code), each as {@link display} shows it. */
export function sampleLine(s: AlertSample): string {
  return [s['@timestamp'], s['log.level'], s.message ?? s['event.code']].filter((v) => v !== undefined).map(display).join('  ');
}
