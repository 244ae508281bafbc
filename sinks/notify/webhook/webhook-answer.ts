import type { WebhookNotifierDef } from '../../../rules';
import { DeliveryError } from '../outbox/delivery';
import { robotAnswer, type RobotCodes } from '../robots/robot-answer';
import { DINGTALK_CODES } from '../robots/dingtalk-api';
import { WECOM_CODES } from '../robots/wecom-api';
import { FEISHU_CODES } from '../robots/feishu-api';
import { answerDetail, jsonObject } from '../http/notifier-api';
import { slackAnswer } from './slack-answer';

/** The chat robots' hosts: a plain webhook pointed at one gets that robot's answers judged as the robot's notifier does. */
const ROBOT_HOSTS: Record<string, RobotCodes> = {
  'oapi.dingtalk.com': DINGTALK_CODES,
  'qyapi.weixin.qq.com': WECOM_CODES,
  'open.feishu.cn': FEISHU_CODES,
  'open.larksuite.com': FEISHU_CODES,
};

/**
 * Whether a 2xx answer to a webhook is a delivery: some receivers refuse inside an HTTP 200.
 * `format: slack` as Slack answers ({@link slackAnswer}); a URL of DingTalk, WeCom or Feishu as that
 * robot answers (its `errcode` / `code`); any other receiver answering JSON with a non-zero
 * numeric `errcode` (the convention of those robots and their kin) has refused it for good.
 */
export function webhookAnswer(def: WebhookNotifierDef, status: number, text: string, scrub: (s: string) => string): DeliveryError | null {
  if (def.format === 'slack') return slackAnswer(text, scrub);
  const robot = ROBOT_HOSTS[hostOf(def.url)];
  if (robot) return robotAnswer(robot, { status, retryAfter: null, text }, scrub);
  const body = jsonObject(text);
  if (typeof body?.errcode === 'number' && body.errcode !== 0) {
    const msg = typeof body.errmsg === 'string' ? ` (${answerDetail(body.errmsg, scrub)})` : '';
    return new DeliveryError(`the receiver refused the message: HTTP ${status} with errcode ${body.errcode}${msg}`, true);
  }
  return null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
