import { VIGIL_VERSION } from '../../../src/core/version';
import { DeliveryError, type Delivery, type Notification } from '../outbox/delivery';
import { scrubber } from '../outbox/scrub';
import type { ApiAnswer, ApiRequest, NotifierApi } from './notifier-api';

/**
 * A notifier of an HTTP API (PagerDuty, Opsgenie, DingTalk, WeCom, Feishu) over Node's fetch: its
 * requests one after the other, each judged by the service's rules ({@link NotifierApi.judge}); the
 * first that fails fails the notification, and a retry sends them all again (PagerDuty's and
 * Opsgenie's events are idempotent by their dedup key / alias). `timeoutMs` is per request.
 * Errors name the notifier and the service, never a key or URL.
 */
export class ApiDelivery implements Delivery {
  readonly kind: string;
  private scrub: (s: string) => string;

  constructor(private api: NotifierApi, private timeoutMs: number, readonly maxRetries?: number) {
    this.kind = api.service.toLowerCase();
    this.scrub = scrubber(api.secrets);
  }

  async deliver(n: Notification, signal: AbortSignal): Promise<string> {
    const statuses: number[] = [];
    for (const req of this.api.requests(n, Date.now())) {
      const answer = await this.post(req, signal);
      const refusal = this.api.judge(answer, this.scrub);
      if (refusal) throw refusal;
      statuses.push(answer.status);
    }
    return `${this.api.service} http ${[...new Set(statuses)].join(', ')}${statuses.length > 1 ? ` (${statuses.length} requests)` : ''}`;
  }

  private async post(req: ApiRequest, signal: AbortSignal): Promise<ApiAnswer> {
    const headers = { 'content-type': 'application/json; charset=utf-8', 'user-agent': `vigil/${VIGIL_VERSION}`, ...req.headers };
    try {
      const res = await fetch(req.url, { method: 'POST', headers, body: req.body, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
    } catch (err) {
      throw new DeliveryError(`${this.api.service}: ${this.describeNetworkError(err)}`, false);
    }
  }

  private describeNetworkError(err: unknown): string {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${this.timeoutMs} ms (timeout)`;
    const cause = e?.cause?.code ?? e?.cause?.message;
    return this.scrub(`${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`);
  }
}
