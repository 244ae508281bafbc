import { hostname } from 'node:os';
import type { EmailNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { renderEmail } from './render-email';
import { renderSubject } from './subject';
import { messageIdFor } from './message-id';

/** The fields of a message as nodemailer takes them (the SMTP transport and MailComposer alike). */
export interface MailMessage {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/**
 * The email of one notification: addresses from the notifier, `from` from it or from vigil.yaml's
 * smtp. A bundle's subject is the first alert's, with how many more follow.
 */
export function mailMessage(n: Notification, def: EmailNotifierDef, opts: { from?: string; kibanaUrl?: string }): MailMessage {
  const body = renderEmail(n.alerts, { kibanaUrl: opts.kibanaUrl, body: def.body });
  const first = n.alerts[0];
  const more = n.alerts.length - 1;
  return {
    from: def.from ?? opts.from ?? `Vigil <vigil@${hostname()}>`,
    to: def.to,
    cc: def.cc,
    bcc: def.bcc,
    subject: renderSubject(def.subject, first, opts.kibanaUrl) + (more > 0 ? ` (+${more} more alert${more > 1 ? 's' : ''})` : ''),
    text: body.text,
    html: body.html,
    messageId: messageIdFor(n.key),
    // the same key the webhook header carries, for filters and for scripts reading the .eml files
    headers: {
      'X-Vigil-Delivery': n.key,
      'X-Vigil-Alert-Id': n.alerts.map((a) => a.id).join(', '),
      'X-Vigil-Rule': [...new Set(n.alerts.map((a) => a.rule))].join(', '),
    },
  };
}
