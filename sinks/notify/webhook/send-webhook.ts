import type { WebhookNotifierDef } from '../../../rules';
import { DeliveryError, type Delivery, type Notification } from '../outbox/delivery';
import { scrubber } from '../outbox/scrub';
import { VIGIL_VERSION } from '../../../src/core/version';
import { webhookBody } from './payload';
import { webhookSignature } from './signature';
import { httpOutcome } from './http-outcome';
import { webhookAnswer } from './webhook-answer';

/**
 * A webhook notification over HTTP(S) with Node's fetch: the body in the notifier's format, its
 * custom headers, `X-Vigil-Delivery: <outbox key>` (the same on every retry, for deduplication),
 * `X-Vigil-Signature` when a secret is set, and the notifier's timeout for the whole exchange.
 * Errors name the notifier, never its URL (a Slack or Teams URL is itself a credential).
 */
export class HttpWebhookDelivery implements Delivery {
  readonly kind = 'http';
  readonly maxRetries?: number;
  private scrub: (s: string) => string;

  constructor(private def: WebhookNotifierDef, private kibanaUrl?: string) {
    // a receiver may echo the path it was called on (the token part of a Slack or Teams URL)
    this.scrub = scrubber([def.secret, def.url, urlPathOf(def.url), ...Object.values(def.headers)]);
    this.maxRetries = def.retries;
  }

  async deliver(n: Notification, signal: AbortSignal): Promise<string> {
    const body = webhookBody(n, this.def.format, this.kibanaUrl, this.def.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': `vigil/${VIGIL_VERSION}`,
      ...lowerCased(this.def.headers),
      'x-vigil-delivery': n.key,
      ...(this.def.secret ? { 'x-vigil-signature': webhookSignature(this.def.secret, body) } : {}),
    };
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.def.url, { method: this.def.method, headers, body, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(this.def.timeout_ms)]) });
      text = await res.text();
    } catch (err) {
      throw new DeliveryError(this.describeNetworkError(err), false);
    }
    const detail = this.scrub(text.replace(/\s+/g, ' ').trim().slice(0, 200));
    // a refusal inside a 200 (Slack's Web API, the chat robots) is a failure too
    const failure = httpOutcome(res.status, res.headers.get('retry-after'), detail) ?? webhookAnswer(this.def, res.status, text, this.scrub);
    if (failure) throw failure;
    return `http ${res.status}`;
  }

  private describeNetworkError(err: unknown): string {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${this.def.timeout_ms} ms (timeout)`;
    const cause = e?.cause?.code ?? e?.cause?.message;
    return this.scrub(`${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`);
  }
}

function urlPathOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

/** Header names are case-insensitive; one spelling lets Vigil's own headers win over custom ones. */
function lowerCased(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
