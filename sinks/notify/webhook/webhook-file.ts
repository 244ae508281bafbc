import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookNotifierDef } from '../../../rules';
import { writeFileAtomic } from '../../../src/core/fs/atomic-write';
import type { Delivery, Notification } from '../outbox/delivery';
import { webhookBody } from './payload';

/**
 * The embedded default for webhooks (no vigil.yaml, SPEC 5): the body that would be POSTed, byte for
 * byte, as `<outbox>/webhook/<key>.json`. A folder of its own, because `<outbox>/<key>.json` is the
 * pending entry and notifier names may contain dots, so no suffix could be told apart from a key.
 */
export class WebhookFileDelivery implements Delivery {
  readonly kind = 'webhook-file';
  readonly dir: string;

  constructor(private def: WebhookNotifierDef, outboxDir: string, private kibanaUrl?: string) {
    this.dir = join(outboxDir, 'webhook');
  }

  async deliver(n: Notification): Promise<string> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${n.key}.json`);
    await writeFileAtomic(path, webhookBody(n, this.def.format, this.kibanaUrl, this.def.body));
    return `file ${path}`;
  }
}
