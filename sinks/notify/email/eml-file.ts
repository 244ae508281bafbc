import { join } from 'node:path';
import type MailComposerType from 'nodemailer/lib/mail-composer';
import { writeFileAtomic } from '../../../src/core/fs/atomic-write';
import type { EmailNotifierDef } from '../../../rules';
import type { Delivery, Notification } from '../outbox/delivery';
import { mailMessage } from './mail-message';

/**
 * The embedded default for email (no `smtp` in vigil.yaml, SPEC 5): the message nodemailer would
 * send, as an RFC 5322 file `<outbox>/<key>.eml` (open it in any mail client, or feed it to
 * `sendmail -t`). Written atomically, so a crash leaves no half message.
 */
export class EmlFileDelivery implements Delivery {
  readonly kind = 'eml-file';

  constructor(private def: EmailNotifierDef, private dir: string, private opts: { from?: string; kibanaUrl?: string }) {}

  async deliver(n: Notification): Promise<string> {
    const raw = await buildMime(mailMessage(n, this.def, { from: this.def.from ?? this.opts.from, kibanaUrl: this.opts.kibanaUrl }));
    const path = join(this.dir, `${n.key}.eml`);
    await writeFileAtomic(path, raw);
    return `file ${path}`;
  }
}

function buildMime(msg: ConstructorParameters<typeof MailComposerType>[0]): Promise<Buffer> {
  // nodemailer's composer is loaded with the first message written, not by every daemon
  const MailComposer = require('nodemailer/lib/mail-composer') as typeof MailComposerType;
  return new Promise((resolve, reject) => {
    new MailComposer(msg).compile().build((err, buf) => (err ? reject(err) : resolve(buf)));
  });
}
