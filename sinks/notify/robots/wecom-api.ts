import type { WeComNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { alertDiscoverLink } from '../view/kibana-link';
import { urlSecretParts, type ApiRequest, type NotifierApi } from '../http/notifier-api';
import { wecomMessage } from './wecom-message';
import { robotAnswer, type RobotCodes } from './robot-answer';

/**
 * WeCom's answers (`{"errcode": 0, "errmsg": "ok"}` when accepted). A group robot takes 20 messages
 * a minute: 45009 ("api freq out of limit") is retried after a minute, 45033 (too many at once) and
 * -1 ("system busy") retried too. Anything else (93000: an invalid webhook URL, a key that no longer
 * exists; 40008, 40058, 44004: a message it cannot take) is refused for good.
 */
export const WECOM_CODES: RobotCodes = {
  service: 'WeCom',
  codeFields: ['errcode'],
  messageFields: ['errmsg'],
  transient: {
    [-1]: { why: 'WeCom is busy' },
    45009: { why: 'rate limited (20 messages a minute)', retryAfterMs: 60_000 },
    45033: { why: 'too many calls at once' },
  },
};

/** A WeCom (企业微信) group robot: one markdown message per notification. */
export function wecomApi(def: WeComNotifierDef, kibanaUrl?: string): NotifierApi {
  return {
    service: 'WeCom',
    secrets: urlSecretParts(def.url),
    requests(n: Notification): ApiRequest[] {
      const body = wecomMessage(n, (a) => (kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined));
      return [{ url: def.url, body: Buffer.from(JSON.stringify(body), 'utf8') }];
    },
    judge: (answer, scrub) => robotAnswer(WECOM_CODES, answer, scrub),
  };
}
