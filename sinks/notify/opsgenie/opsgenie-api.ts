import type { OpsgenieNotifierDef } from '../../../rules';
import { DeliveryError, type Notification } from '../outbox/delivery';
import { httpOutcome } from '../webhook/http-outcome';
import { alertDiscoverLink } from '../view/kibana-link';
import { answerDetail, jsonObject, type ApiAnswer, type ApiRequest, type NotifierApi } from '../http/notifier-api';
import { opsgenieRequest } from './opsgenie-request';

/**
 * Opsgenie's Alert API under the notifier's base URL, with `Authorization: GenieKey <api_key>`: one
 * request per alert (create or close). Opsgenie answers 202 ("Request will be processed") and
 * processes the request afterwards; 401/403 (a wrong key), 400/404/422 (a request it will not take)
 * are refused for good; 429 (rate limited) and 5xx are retried.
 */
export function opsgenieApi(def: OpsgenieNotifierDef, kibanaUrl?: string): NotifierApi {
  return {
    service: 'Opsgenie',
    secrets: [def.api_key],
    requests(n: Notification): ApiRequest[] {
      return n.alerts.map((a) => {
        const r = opsgenieRequest(def, a, n.key, kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined);
        return { url: `${def.url}${r.path}`, headers: { authorization: `GenieKey ${def.api_key}` }, body: Buffer.from(JSON.stringify(r.body), 'utf8') };
      });
    },
    judge(answer: ApiAnswer, scrub): DeliveryError | null {
      const body = jsonObject(answer.text);
      const detail = body && typeof body.message === 'string' ? body.message : answer.text;
      const failure = httpOutcome(answer.status, answer.retryAfter, answerDetail(detail, scrub));
      return failure ? new DeliveryError(`Opsgenie: ${failure.message}`, failure.permanent, failure.retryAfterMs) : null;
    },
  };
}
