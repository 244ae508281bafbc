import { DeliveryError } from '../outbox/delivery';
import { httpOutcome } from '../webhook/http-outcome';
import { answerDetail, jsonObject, type ApiAnswer } from '../http/notifier-api';

/** How a chat robot service says "accepted" or "refused" inside its answer, and which refusals pass. */
export interface RobotCodes {
  service: string;
  /** the fields that may hold the result code (0: accepted), the first one present counts */
  codeFields: string[];
  messageFields: string[];
  /** codes that mean "not now" (rate limits, busy): retried, after `retryAfterMs` when given */
  transient: Record<number, { why: string; retryAfterMs?: number }>;
  /** a transient refusal under a code that also means other things, told by its message */
  transientMessage?: RegExp;
}

/**
 * The outcome of a robot's answer. DingTalk, WeCom and Feishu answer HTTP 200 to a refused message
 * too, with a non-zero code in the body (a bad signature, a missing keyword, a wrong key, a body they
 * cannot read, a rate limit): such an answer is a failure, not a delivery. Codes listed as transient
 * are retried; any other non-zero code is a refusal for good (failed/): sending the same message
 * again would be refused again. An HTTP 2xx whose body has no code at all is not the service's
 * answer (a proxy's page, say): retried. Other HTTP statuses as for webhooks.
 */
export function robotAnswer(codes: RobotCodes, answer: ApiAnswer, scrub: (s: string) => string): DeliveryError | null {
  const body = jsonObject(answer.text);
  const field = (names: string[], type: 'string' | 'number') => names.find((f) => typeof body?.[f] === type);
  const msgField = field(codes.messageFields, 'string');
  const msg = msgField ? answerDetail(body![msgField] as string, scrub) : '';
  const failure = httpOutcome(answer.status, answer.retryAfter, msg || answerDetail(answer.text, scrub));
  if (failure) return new DeliveryError(`${codes.service}: ${failure.message}`, failure.permanent, failure.retryAfterMs);
  const codeField = field(codes.codeFields, 'number');
  if (!codeField) {
    return new DeliveryError(`${codes.service}: HTTP ${answer.status} without a ${codes.codeFields[0]} (not a ${codes.service} answer): ${answerDetail(answer.text, scrub)}`, false);
  }
  const code = body![codeField] as number;
  if (code === 0) return null;
  const said = `${codeField} ${code}${msg ? ` (${msg})` : ''}`;
  const transient = codes.transient[code] ?? (codes.transientMessage?.test(msg) ? { why: 'rate limited' } : undefined);
  if (transient) return new DeliveryError(`${codes.service}: ${said}: ${transient.why}, will retry`, false, transient.retryAfterMs);
  return new DeliveryError(`${codes.service} refused the message: ${said}`, true);
}
