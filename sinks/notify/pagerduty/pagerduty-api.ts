import type { PagerDutyNotifierDef } from '../../../rules';
import type { Notification } from '../outbox/delivery';
import { DeliveryError } from '../outbox/delivery';
import { httpOutcome } from '../webhook/http-outcome';
import { alertDiscoverLink } from '../view/kibana-link';
import { answerDetail, jsonObject, type ApiAnswer, type ApiRequest, type NotifierApi } from '../http/notifier-api';
import { pagerdutyEvent } from './pagerduty-event';

/**
 * PagerDuty's Events API v2: one event per alert (a `group_window` bundle is one event per alert:
 * PagerDuty groups alerts into incidents itself). Answers, as PagerDuty documents them: 202 accepted
 * (`"status": "success"`); 400 an invalid event or routing key, refused for good; 429 too many
 * events, and 5xx, retried.
 */
export function pagerdutyApi(def: PagerDutyNotifierDef, kibanaUrl?: string): NotifierApi {
  return {
    service: 'PagerDuty',
    secrets: [def.routing_key],
    requests(n: Notification): ApiRequest[] {
      return n.alerts.map((a) => ({
        url: def.url,
        body: Buffer.from(JSON.stringify(pagerdutyEvent(def.routing_key, a, n.key, kibanaUrl ? alertDiscoverLink(kibanaUrl, a) : undefined)), 'utf8'),
      }));
    },
    judge(answer: ApiAnswer, scrub): DeliveryError | null {
      const body = jsonObject(answer.text);
      const detail = body && typeof body.message === 'string'
        ? [body.message, ...(Array.isArray(body.errors) ? body.errors.map(String) : [])].join('; ')
        : answer.text;
      const failure = httpOutcome(answer.status, answer.retryAfter, answerDetail(detail, scrub));
      if (failure) return new DeliveryError(`PagerDuty: ${failure.message}`, failure.permanent, failure.retryAfterMs);
      // "status": "success", or a short error message (PagerDuty's schema of an accepted answer)
      if (body && typeof body.status === 'string' && body.status !== 'success') {
        return new DeliveryError(`PagerDuty: HTTP ${answer.status} but status ${JSON.stringify(answerDetail(body.status, scrub))}`, true);
      }
      return null;
    },
  };
}
