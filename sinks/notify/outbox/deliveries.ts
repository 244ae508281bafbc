import type { ApiNotifierDef, NotifierDef } from '../../../rules';
import type { SmtpConfig } from '../email/config';
import type { Delivery } from './delivery';
import { SmtpEmailDelivery } from '../email/send-email';
import { EmlFileDelivery } from '../email/eml-file';
import { HttpWebhookDelivery } from '../webhook/send-webhook';
import { WebhookFileDelivery } from '../webhook/webhook-file';
import type { NotifierApi } from '../http/notifier-api';
import { ApiDelivery } from '../http/api-delivery';
import { RequestFileDelivery } from '../http/request-file';
import { pagerdutyApi } from '../pagerduty/pagerduty-api';
import { opsgenieApi } from '../opsgenie/opsgenie-api';
import { dingtalkApi } from '../robots/dingtalk-api';
import { wecomApi } from '../robots/wecom-api';
import { feishuApi } from '../robots/feishu-api';

export interface DeliveryContext {
  /** vigil.yaml's smtp; without it emails are written as .eml files into the outbox (SPEC 5) */
  smtp?: SmtpConfig;
  kibanaUrl?: string;
  outboxDir: string;
  /** 'file' in the embedded default (no vigil.yaml): webhook and API notifiers' bodies are written, not POSTed (SPEC 5) */
  webhooks: 'http' | 'file';
}

/**
 * The delivery for each notifier of the loaded rules. A rules.yaml edit gives new definition objects
 * and so new deliveries; an unchanged definition keeps its delivery (and its SMTP transport).
 */
export class Deliveries {
  private cache = new WeakMap<NotifierDef, Delivery>();

  constructor(private ctx: DeliveryContext, private notifiers: () => Record<string, NotifierDef> | undefined) {}

  /** undefined: the notifier is not (or no longer) defined in rules.yaml. */
  for(name: string): Delivery | undefined {
    const def = this.notifiers()?.[name];
    if (!def) return undefined;
    let d = this.cache.get(def);
    if (!d) {
      d = this.make(def);
      this.cache.set(def, d);
    }
    return d;
  }

  private make(def: NotifierDef): Delivery {
    const { smtp, kibanaUrl, outboxDir } = this.ctx;
    if (def.type === 'email') {
      return smtp && smtp.host ? new SmtpEmailDelivery(def, smtp, kibanaUrl) : new EmlFileDelivery(def, outboxDir, { from: smtp?.from || undefined, kibanaUrl });
    }
    if (def.type === 'webhook') {
      return this.ctx.webhooks === 'http' ? new HttpWebhookDelivery(def, kibanaUrl) : new WebhookFileDelivery(def, outboxDir, kibanaUrl);
    }
    const api = apiOf(def, kibanaUrl);
    return this.ctx.webhooks === 'http' ? new ApiDelivery(api, def.timeout_ms, def.retries) : new RequestFileDelivery(api, def.type, outboxDir);
  }
}

/** The API a pagerduty, opsgenie, dingtalk, wecom or feishu notifier calls. */
function apiOf(def: ApiNotifierDef, kibanaUrl?: string): NotifierApi {
  switch (def.type) {
    case 'pagerduty': return pagerdutyApi(def, kibanaUrl);
    case 'opsgenie': return opsgenieApi(def, kibanaUrl);
    case 'dingtalk': return dingtalkApi(def, kibanaUrl);
    case 'wecom': return wecomApi(def, kibanaUrl);
    case 'feishu': return feishuApi(def, kibanaUrl);
  }
}
