import { hostname } from 'node:os';
import type { EmailNotifierDef } from '../../rules/load';
import type { OutboxEntry } from '../outbox/alert-outbox';
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

/** The email of one outbox entry: addresses from the notifier, `from` from it or from vigil.yaml's smtp. */
export function mailMessage(entry: OutboxEntry, def: EmailNotifierDef, opts: { from?: string; kibanaUrl?: string }): MailMessage {
  const body = renderEmail(entry.alert, { kibanaUrl: opts.kibanaUrl });
  return {
    from: def.from ?? opts.from ?? `Vigil <vigil@${hostname()}>`,
    to: def.to,
    cc: def.cc,
    bcc: def.bcc,
    subject: renderSubject(def.subject, entry.alert),
    text: body.text,
    html: body.html,
    messageId: messageIdFor(entry.key),
    // the same key the webhook header carries, for filters and for scripts reading the .eml files
    headers: { 'X-Vigil-Delivery': entry.key, 'X-Vigil-Alert-Id': entry.alert.id, 'X-Vigil-Rule': entry.alert.rule },
  };
}
