import { readFileSync } from 'node:fs';
import type { createTransport as CreateTransport } from 'nodemailer';
import type { SmtpConfig } from './config';
import type { EmailNotifierDef } from '../../../rules';
import type { Delivery, Notification } from '../outbox/delivery';
import { scrubber } from '../outbox/scrub';
import { mailMessage } from './mail-message';
import { smtpDeliveryError } from './smtp-error';

/** How long one SMTP exchange may take at each step before it counts as a transient failure. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/**
 * Email over SMTP (vigil.yaml `smtp`): implicit TLS (`secure`) or STARTTLS (`starttls` makes it
 * required; otherwise nodemailer upgrades when the server offers it), AUTH with username/password,
 * an extra CA for private servers. One connection per message: alerts are rare and a pooled idle
 * connection would only time out.
 */
export class SmtpEmailDelivery implements Delivery {
  readonly kind = 'smtp';
  private transport: ReturnType<typeof CreateTransport>;
  private server: string;
  private scrub: (s: string) => string;

  constructor(private def: EmailNotifierDef, private smtp: SmtpConfig, private kibanaUrl?: string) {
    this.server = `${smtp.host}:${smtp.port}`;
    this.scrub = scrubber([smtp.password]);
    // nodemailer is loaded with the first email notifier, not by every daemon (it is a few MB of a process)
    const { createTransport } = require('nodemailer') as { createTransport: typeof CreateTransport };
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.starttls,
      ...(smtp.username !== undefined ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
      ...(smtp.ca ? { tls: { ca: [readFileSync(smtp.ca)] } } : {}),
      ...TIMEOUTS,
    });
  }

  async deliver(n: Notification, signal: AbortSignal): Promise<string> {
    const msg = mailMessage(n, this.def, { from: this.def.from ?? (this.smtp.from || undefined), kibanaUrl: this.kibanaUrl });
    try {
      const info = await this.transport.sendMail({ ...msg, signal });
      const rejected = (info.rejected ?? []).map(String);
      return `smtp ${this.server}: ${this.scrub(String(info.response ?? 'accepted'))}${rejected.length ? ` (rejected: ${rejected.join(', ')})` : ''}`;
    } catch (err) {
      throw smtpDeliveryError(err, this.server, this.scrub);
    }
  }
}
