import type { Alert } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import type { AlertLink } from '../view/kibana-link';
import { alertHeadline } from '../view/alert-lines';
import { alertParagraphs, fitMarkdown } from './robot-markdown';

/** Vigil's own cap on a DingTalk message's text (UTF-8 bytes), to stay well inside what the robot takes. */
export const DINGTALK_MAX_TEXT_BYTES = 20_000;

/**
 * A DingTalk custom robot message (`msgtype: markdown`): `title` is what the conversation list
 * shows (the headline, or "N alerts: …" for a bundle), `text` the alert paragraphs, one per line
 * (DingTalk's markdown breaks lines at blank lines), ending with the delivery key.
 */
export function dingtalkMessage(n: Notification, link: (a: Alert) => AlertLink | undefined): Record<string, unknown> {
  const title = n.alerts.length === 1 ? alertHeadline(n.alerts[0]) : `${n.alerts.length} alerts: ${n.alerts.map(alertHeadline).join('; ')}`;
  return {
    msgtype: 'markdown',
    markdown: {
      title: title.length > 100 ? `${title.slice(0, 99)}…` : title,
      text: fitMarkdown(alertParagraphs(n.alerts, link), `Vigil delivery ${n.key}`, '\n\n', DINGTALK_MAX_TEXT_BYTES),
    },
  };
}
