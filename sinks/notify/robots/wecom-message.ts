import type { Alert } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import type { AlertLink } from '../view/kibana-link';
import { alertParagraphs, fitMarkdown } from './robot-markdown';

/** WeCom takes at most 4096 bytes (UTF-8) of markdown content. */
export const WECOM_MAX_CONTENT_BYTES = 4096;

/**
 * A WeCom group robot message (`msgtype: markdown`): the alert paragraphs, one per line, ending with
 * the delivery key, cut to WeCom's 4096 bytes (the paragraphs that do not fit are left off, and the
 * message says so).
 */
export function wecomMessage(n: Notification, link: (a: Alert) => AlertLink | undefined): Record<string, unknown> {
  return {
    msgtype: 'markdown',
    markdown: { content: fitMarkdown(alertParagraphs(n.alerts, link), `Vigil delivery ${n.key}`, '\n', WECOM_MAX_CONTENT_BYTES) },
  };
}
