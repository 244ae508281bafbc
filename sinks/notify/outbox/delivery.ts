import type { Alert } from '../../../rules';

/**
 * What one message carries: one alert (the entry's own key), or the alerts of a `group_window`
 * bundle (the bundle's key). `key` is the idempotency key receivers see (Message-ID, X-Vigil-Delivery).
 */
export interface Notification {
  key: string;
  notifier: string;
  alerts: Alert[];
}

/**
 * How the notifications of one notifier reach it (email over SMTP, a webhook POST, or a file in the
 * embedded default). `deliver` resolves once the receiver accepted the notification, with a short
 * description for the record (e.g. the SMTP reply), and throws a {@link DeliveryError} otherwise.
 * `signal` aborts a send that is still running when the daemon stops (the entry stays pending).
 */
export interface Delivery {
  readonly kind: string;
  /** transient failures tolerated after the first try before a notification is given up (failed/); undefined: no limit */
  readonly maxRetries?: number;
  deliver(n: Notification, signal: AbortSignal): Promise<string>;
}

/**
 * A failed delivery. `permanent`: the receiver refused this notification and would refuse it again
 * (SMTP 5xx for the recipient, HTTP 4xx but 408/429): it goes to failed/. Otherwise it is retried.
 * The message must be safe to log and show: senders build it without secrets.
 */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Any error as a DeliveryError; an unexpected one is transient (retrying is safe, dropping is not). */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  return new DeliveryError(err instanceof Error ? err.message : String(err), false);
}
