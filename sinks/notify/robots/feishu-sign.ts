import { createHmac } from 'node:crypto';

/**
 * The `timestamp` and `sign` body fields of a Feishu / Lark custom bot with a signature secret
 * ("签名校验"): timestamp in seconds (as a string), sign the base64 HMAC-SHA256 of an empty message
 * keyed by "<timestamp>\n<secret>". Feishu refuses a timestamp more than an hour away, so every
 * attempt signs afresh.
 */
export function feishuSignature(secret: string, nowMs: number): { timestamp: string; sign: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { timestamp, sign: createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64') };
}
