import { DeliveryError } from '../outbox/delivery';

/**
 * What an HTTP answer means for a webhook notification: 2xx accepted; 408, 429 and 5xx transient
 * (429/503 may say when to come back in Retry-After); any other status permanent. Redirects are
 * not followed (a POST would turn into a GET on the way), so a 3xx is permanent too: the notifier's
 * url must be the final address.
 */
export function httpOutcome(status: number, retryAfter: string | null, detail: string): DeliveryError | null {
  if (status >= 200 && status < 300) return null;
  const transient = status === 408 || status === 429 || status >= 500;
  return new DeliveryError(`HTTP ${status}${detail ? `: ${detail}` : ''}`, !transient, transient ? retryAfterMs(retryAfter) : undefined);
}

/** Retry-After as seconds or an HTTP date, in ms from now (undefined when absent or unreadable). */
export function retryAfterMs(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}
