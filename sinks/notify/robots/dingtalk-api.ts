import type { DingTalkNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { alertDiscoverLink } from '../view/kibana-link';
import { urlSecretParts, type ApiRequest, type NotifierApi } from '../http/notifier-api';
import { dingtalkMessage } from './dingtalk-message';
import { dingtalkSignedUrl } from './dingtalk-sign';
import { robotAnswer, type RobotCodes } from './robot-answer';

/**
 * DingTalk's answers (`{"errcode": 0, "errmsg": "ok"}` when accepted). A robot takes 20 messages a
 * minute and then refuses for a while ("send too fast", 130101, or 410100): retried after a minute.
 * -1 is "system busy"; 90030 "webhook over limit" (the organisation's call quota): both retried.
 * Anything else (310000: a wrong signature, a missing keyword or an address not allowed; an unknown
 * or stopped robot, a dissolved group; a message it cannot read) is refused for good.
 */
export const DINGTALK_CODES: RobotCodes = {
  service: 'DingTalk',
  codeFields: ['errcode'],
  messageFields: ['errmsg'],
  transient: {
    [-1]: { why: 'DingTalk is busy' },
    130101: { why: 'rate limited (20 messages a minute)', retryAfterMs: 60_000 },
    410100: { why: 'rate limited (20 messages a minute)', retryAfterMs: 60_000 },
    90030: { why: 'over the call quota' },
  },
};

/** A DingTalk custom robot: one markdown message per notification, signed when the notifier has a secret. */
export function dingtalkApi(def: DingTalkNotifierDef, kibanaUrl?: string): NotifierApi {
  return {
    service: 'DingTalk',
    secrets: [...urlSecretParts(def.url), ...(def.secret ? [def.secret] : [])],
    requests(n: Notification, now: number): ApiRequest[] {
      const body = dingtalkMessage(n, (a) => (kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined));
      return [{ url: def.secret ? dingtalkSignedUrl(def.url, def.secret, now) : def.url, body: Buffer.from(JSON.stringify(body), 'utf8') }];
    },
    judge: (answer, scrub) => robotAnswer(DINGTALK_CODES, answer, scrub),
  };
}
