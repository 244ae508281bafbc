import { createHmac } from 'node:crypto';

/** `X-Vigil-Signature`: `sha256=` and the hex HMAC-SHA256 of the exact body bytes under the notifier's secret. */
export function webhookSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
