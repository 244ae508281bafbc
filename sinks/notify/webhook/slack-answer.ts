import { DeliveryError } from '../outbox/delivery';

/**
 * Whether a 2xx answer to a `format: slack` POST is a delivery. A Slack incoming webhook answers
 * `ok`; Slack's Web API (chat.postMessage, with a bot token in `headers`) answers HTTP 200 with
 * `{"ok": false, "error": "channel_not_found"}` when it refuses; other receivers of Slack's format
 * answer JSON (`{"ok": true}`, Rocket.Chat's `{"success": true}`) or other text. Refused: a JSON
 * `ok: false` (or `success: false`), and a bare error code in place of `ok` (`invalid_payload`,
 * `no_text`). Rate limits (`ratelimited`, `rate_limited`) are retried; other refusals are for good.
 * Anything else is taken as accepted: JSON without a verdict, empty bodies, HTML, prose.
 */
export function slackAnswer(text: string, scrub: (s: string) => string): DeliveryError | null {
  const t = text.trim();
  let error: string | undefined;
  if (t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as { ok?: unknown; success?: unknown; error?: unknown };
      if (v.ok === false || v.success === false) error = typeof v.error === 'string' ? v.error : 'refused';
    } catch {
      return null;
    }
  } else if (t !== 'ok' && /^[a-z][a-z0-9_]*$/.test(t)) {
    error = t;
  }
  if (error === undefined) return null;
  const said = scrub(error).slice(0, 100);
  return /^rate_?limited$/.test(error)
    ? new DeliveryError(`Slack: HTTP 200 "${said}": rate limited, will retry`, false)
    : new DeliveryError(`Slack refused the message: HTTP 200 "${said}"`, true);
}
