import type { WebhookNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { alertDiscoverLink } from '../view/kibana-link';
import { jsonPayload } from './payload-json';
import { slackPayload } from './payload-slack';
import { teamsPayload } from './payload-teams';
import { messageView, renderJsonTemplate } from '../view/template-view';

const FORMATS = { json: jsonPayload, slack: slackPayload, teams: teamsPayload } as const;

/**
 * The exact bytes of a webhook body (what is signed, sent and, in the embedded default, written):
 * the format's payload, or the notifier's `body` template filled with the message's view and the
 * delivery `key` and `notifier`.
 */
export function webhookBody(n: Notification, format: WebhookNotifierDef['format'], kibanaUrl?: string, template?: unknown): Buffer {
  if (template !== undefined) {
    const view = Object.assign(messageView(n.alerts, kibanaUrl), { key: n.key, notifier: n.notifier });
    return Buffer.from(JSON.stringify(renderJsonTemplate(template, view)), 'utf8');
  }
  const link = (a: Notification['alerts'][number]) => (kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined);
  return Buffer.from(JSON.stringify(FORMATS[format](n, link)), 'utf8');
}
