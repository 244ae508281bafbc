import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/core/fs/atomic-write';
import type { Delivery, Notification } from '../outbox/delivery';
import { scrubber } from '../outbox/scrub';
import type { NotifierApi } from './notifier-api';

/** The outbox folders the embedded default writes API notifiers' bodies into, one per notifier type. */
export const API_FILE_FOLDERS = ['pagerduty', 'opsgenie', 'dingtalk', 'wecom', 'feishu'] as const;

/**
 * The embedded default (no vigil.yaml, SPEC 5) for the API notifiers, as webhooks have it: what would
 * be POSTed, as `<outbox>/<type>/<key>.json`: the body of the one request, or a JSON array of the
 * bodies when a notification takes several (PagerDuty and Opsgenie send one event per alert of a
 * `group_window` bundle). Keys in a body (PagerDuty's routing_key) are written as "[redacted]".
 */
export class RequestFileDelivery implements Delivery {
  readonly kind: string;
  readonly dir: string;
  private scrub: (s: string) => string;

  constructor(private api: NotifierApi, type: (typeof API_FILE_FOLDERS)[number], outboxDir: string) {
    this.kind = `${type}-file`;
    this.dir = join(outboxDir, type);
    this.scrub = scrubber(api.secrets);
  }

  async deliver(n: Notification): Promise<string> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const bodies = this.api.requests(n, Date.now()).map((r) => this.scrub(r.body.toString('utf8')));
    const path = join(this.dir, `${n.key}.json`);
    await writeFileAtomic(path, bodies.length === 1 ? bodies[0] : `[${bodies.join(',')}]`);
    return `file ${path}`;
  }
}
