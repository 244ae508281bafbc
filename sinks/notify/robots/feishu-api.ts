import type { FeishuNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { alertDiscoverLink } from '../view/kibana-link';
import { urlSecretParts, type ApiRequest, type NotifierApi } from '../http/notifier-api';
import { feishuCard } from './feishu-card';
import { feishuSignature } from './feishu-sign';
import { robotAnswer, type RobotCodes } from './robot-answer';

/**
 * Feishu's answers (`{"code": 0, "msg": "success", …}` when accepted; older bots answer
 * `StatusCode`). A custom bot takes 100 messages a minute and 5 a second: 11232 (frequency limited)
 * is retried, and so is a 9499 that says "too many request". Anything else (19021: a wrong
 * signature or a timestamp over an hour off; 19022: an address not allowed; 19024: a missing
 * keyword; 9499 "Bad Request": a body it cannot read) is refused for good.
 */
export const FEISHU_CODES: RobotCodes = {
  service: 'Feishu',
  codeFields: ['code', 'StatusCode'],
  messageFields: ['msg', 'StatusMessage'],
  transient: { 11232: { why: 'rate limited (100 messages a minute, 5 a second)' } },
  transientMessage: /too many request/i,
};

/** A Feishu / Lark custom bot: one interactive card per notification, signed when the notifier has a secret. */
export function feishuApi(def: FeishuNotifierDef, kibanaUrl?: string): NotifierApi {
  return {
    service: 'Feishu',
    secrets: [...urlSecretParts(def.url), ...(def.secret ? [def.secret] : [])],
    requests(n: Notification, now: number): ApiRequest[] {
      const card = feishuCard(n, (a) => (kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined));
      const body = { ...(def.secret ? feishuSignature(def.secret, now) : {}), msg_type: 'interactive', card };
      return [{ url: def.url, body: Buffer.from(JSON.stringify(body), 'utf8') }];
    },
    judge: (answer, scrub) => robotAnswer(FEISHU_CODES, answer, scrub),
  };
}
