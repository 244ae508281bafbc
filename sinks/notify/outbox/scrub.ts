import { scrubUserinfo } from '../../../src/core/config-kit/url-userinfo';

/**
 * Removes known secret strings (an SMTP password, a webhook's HMAC secret or auth header, a webhook
 * URL whose path is its credential) from a message before it is logged, shown in /status or stored
 * with an outbox entry. Receivers' error texts are not ours, so they are scrubbed too; so is the
 * user-info of any URL in them.
 */
export function scrubber(secrets: Array<string | undefined>): (message: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  return (message) => {
    let out = scrubUserinfo(message);
    for (const s of list) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}
