import { join } from 'node:path';
import { parseRulesText } from '../../rules/load/rules-file';
import type { NotifierDef } from '../../rules/types';
import { AlertOutbox } from '../../sinks/notify/outbox/alert-outbox';
import { Deliveries, type DeliveryContext } from '../../sinks/notify/outbox/deliveries';
import { OutboxDispatcher } from '../../sinks/notify/outbox/dispatcher';
import { Metrics } from '../../src/core/metrics';
import type { Logger } from '../../src/core/log';
import { testLogger } from './logger';

/** Notifier definitions as rules/load.ts reads them from a `notifiers:` YAML section. */
export function notifiersFrom(yaml: string): Record<string, NotifierDef> {
  const { rules, problems } = parseRulesText(`notifiers:\n${yaml}\nrules: []\n`, 'rules.yaml', { env: {} });
  if (!rules) throw new Error(problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  return rules.notifiers;
}

/** An outbox in `dir` and a dispatcher over it with quick polling and short backoff (50 ms up to 400 ms). */
export function testDispatcher(dir: string, notifiers: Record<string, NotifierDef>, ctx: Partial<DeliveryContext> = {}, log: Logger = testLogger()) {
  const outbox = new AlertOutbox(join(dir, 'outbox'));
  const deliveries = new Deliveries({ outboxDir: outbox.dir, webhooks: 'http', ...ctx }, () => notifiers);
  const metrics = new Metrics();
  const dispatcher = new OutboxDispatcher({ outbox, deliveryFor: (n) => deliveries.for(n), log, metrics, pollMs: 50, backoffBaseMs: 50, backoffMaxMs: 400 });
  const notifications = async (outcome: string, notifier?: string): Promise<number> => {
    const m = (await metrics.notifications.get()).values.filter((v) => v.labels.outcome === outcome && (!notifier || v.labels.notifier === notifier));
    return m.reduce((n, v) => n + v.value, 0);
  };
  return { outbox, dispatcher, metrics, notifications };
}
