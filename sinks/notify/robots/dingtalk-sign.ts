import { createHmac } from 'node:crypto';

/**
 * A DingTalk custom robot's webhook URL signed with its secret ("加签"): the `timestamp` (ms) and
 * `sign` query parameters, where sign is the base64 HMAC-SHA256, keyed by the secret, of
 * "<timestamp>\n<secret>", URL-encoded. DingTalk refuses a timestamp more than an hour from its
 * clock, so every attempt signs afresh.
 */
export function dingtalkSignedUrl(url: string, secret: string, nowMs: number): string {
  const sign = createHmac('sha256', secret).update(`${nowMs}\n${secret}`, 'utf8').digest('base64');
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${nowMs}&sign=${encodeURIComponent(sign)}`;
}
