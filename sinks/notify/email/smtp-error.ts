import { DeliveryError } from '../outbox/delivery';

interface SmtpFailure extends Error { code?: string; responseCode?: number; response?: string; command?: string }

/**
 * What an SMTP failure means for the notification:
 * - a 5xx reply to the envelope or the message (a recipient refused, the message rejected) is
 *   permanent: the same message would be refused again, so it goes to failed/ (503 "bad sequence"
 *   is a session state problem, not a refusal, and is retried);
 * - a failed login (EAUTH, 535) is retried, not failed: the credentials are vigil.yaml's, and
 *   failing every notification while they are wrong would lose them; the error says what to fix;
 * - 4xx replies, refused connections, timeouts and TLS problems are transient.
 */
export function smtpDeliveryError(err: unknown, server: string, scrub: (s: string) => string): DeliveryError {
  const e = err as SmtpFailure;
  const text = scrub(oneLine(e?.message ?? String(err)));
  if (e?.code === 'EAUTH') {
    return new DeliveryError(`SMTP ${server}: authentication failed (${text}); check smtp.username and smtp.password in vigil.yaml; will retry`, false);
  }
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  if (code !== undefined && code >= 500 && code < 600 && code !== 503) {
    return new DeliveryError(`SMTP ${server} refused the message${e.command ? ` at ${e.command}` : ''}: ${text}`, true);
  }
  const kind = e?.code ? `${e.code}: ` : '';
  return new DeliveryError(`SMTP ${server}: ${kind}${text}`, false);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}
