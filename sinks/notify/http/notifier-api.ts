import type { DeliveryError, Notification } from '../outbox/delivery';

/** One HTTP request a notifier makes: always a POST of a JSON body. */
export interface ApiRequest {
  url: string;
  /** besides content-type and user-agent (e.g. Opsgenie's Authorization) */
  headers?: Record<string, string>;
  /** the exact bytes sent (and, in the embedded default, written) */
  body: Buffer;
}

/** An HTTP answer as a notifier judges it: the whole body text, not yet scrubbed. */
export interface ApiAnswer { status: number; retryAfter: string | null; text: string }

/**
 * What one service's notifier is (PagerDuty, Opsgenie, the chat robots), apart from how its requests
 * travel (sent over HTTP by {@link ApiDelivery}, or written as files in the embedded default):
 *
 * - `requests`: the requests that carry a notification, in order (one per alert for PagerDuty and
 *   Opsgenie, whose events are per alert; one message for the chat robots). `now` is when they go
 *   out, for the signatures that carry a time.
 * - `judge`: null when the service accepted the request, else why not, and whether to retry: a
 *   refusal inside an HTTP 200 (a robot's `errcode`) is a failure too.
 * - `secrets`: strings no message, log line or written file may show (keys, webhook URLs and their
 *   token parts).
 */
export interface NotifierApi {
  /** the name in messages ("PagerDuty", "DingTalk") */
  readonly service: string;
  readonly secrets: string[];
  requests(n: Notification, now: number): ApiRequest[];
  judge(answer: ApiAnswer, scrub: (s: string) => string): DeliveryError | null;
}

/**
 * The parts of a URL that are credentials when the URL is: the URL itself, its path and query (a
 * receiver may echo what it was called on), the values of its query parameters and its last path
 * segment when long enough to be a token (`access_token=…`, `key=…`, `/hook/<token>`).
 */
export function urlSecretParts(url: string): string[] {
  try {
    const u = new URL(url);
    const last = u.pathname.split('/').pop() ?? '';
    return [url, `${u.pathname}${u.search}`, ...[...u.searchParams.values()].filter((v) => v.length >= 8), ...(last.length >= 16 ? [last] : [])];
  } catch {
    return [url];
  }
}

/** The body of an answer as JSON, or undefined when it is not a JSON object. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Receiver text for a message: one line, at most 200 characters, secrets scrubbed. */
export function answerDetail(text: string, scrub: (s: string) => string): string {
  return scrub(text.replace(/\s+/g, ' ').trim()).slice(0, 200);
}
