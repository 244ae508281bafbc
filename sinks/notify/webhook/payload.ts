import type { WebhookNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { alertDiscoverLink } from '../view/kibana-link';
import { jsonPayload } from './payload-json';
import { slackPayload } from './payload-slack';
import { teamsPayload } from './payload-teams';

const FORMATS = { json: jsonPayload, slack: slackPayload, teams: teamsPayload } as const;

/** The exact bytes of a webhook body (what is signed, sent and, in the embedded default, written). */
export function webhookBody(n: Notification, format: WebhookNotifierDef['format'], kibanaUrl?: string): Buffer {
  const link = (a: Notification['alerts'][number]) => (kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined);
  return Buffer.from(JSON.stringify(FORMATS[format](n, link)), 'utf8');
}
