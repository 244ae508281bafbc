import { expect } from 'chai';
import { join } from 'node:path';
import { AlertOutbox } from '../../sinks/notify/outbox/alert-outbox';
import { Deliveries } from '../../sinks/notify/outbox/deliveries';
import { OutboxDispatcher } from '../../sinks/notify/outbox/dispatcher';
import { Metrics } from '../../src/core/metrics';
import { notifiersFrom } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { testLogger } from '../helpers/logger';
import { tempDir } from '../helpers/temp-dir';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { waitFor } from '../helpers/wait';

const MINUTE = 60_000;

/**
 * The dispatcher polls a minute apart in these tests: what is delivered within a second went out because
 * the outbox's writer said so, or because the dispatcher knew when a bundle or a backoff was due.
 */
describe('outbox: notifications go out at once, not at the next dispatcher poll', function () {
  this.timeout(30_000);
  const server = new WebhookTestServer();
  let port = 0;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => { port = await server.start(); });
  after(() => server.stop());
  beforeEach(() => { tmp = tempDir('outbox-wake'); server.requests.length = 0; server.answer = () => 200; });
  afterEach(() => tmp.cleanup());

  function slowDispatcher(): { outbox: AlertOutbox; dispatcher: OutboxDispatcher } {
    const outbox = new AlertOutbox(join(tmp.path, 'outbox'));
    const notifiers = notifiersFrom(`  hook: { type: webhook, url: "http://127.0.0.1:${port}/hook" }`);
    const deliveries = new Deliveries({ outboxDir: outbox.dir, webhooks: 'http' }, () => notifiers);
    const dispatcher = new OutboxDispatcher({ outbox, deliveryFor: (n) => deliveries.for(n), log: testLogger(), metrics: new Metrics(), pollMs: MINUTE, backoffBaseMs: 100, backoffMaxMs: 400 });
    return { outbox, dispatcher };
  }

  it('an alert written to the outbox is sent within 1 s (the writer wakes the dispatcher)', async () => {
    const { outbox, dispatcher } = slowDispatcher();
    dispatcher.start();
    try {
      await new Promise((r) => setTimeout(r, 100)); // the start's own look is over
      const t0 = Date.now();
      outbox.add(testAlert({ id: 'wake-1' }), ['hook']);
      await waitFor(() => server.accepted().length === 1, 1000, 'the webhook', 5);
      expect(server.requests[0].at - t0).to.be.below(1000);
      await waitFor(() => outbox.counts().sent === 1, 1000, 'the entry moved to sent/', 5);
    } finally {
      await dispatcher.stop();
    }
  });

  it('a group_window bundle goes out when its window ends, and a retry when its backoff ends', async () => {
    const { outbox, dispatcher } = slowDispatcher();
    let refuse = 1;
    server.answer = () => (refuse-- > 0 ? 503 : 200);
    dispatcher.start();
    try {
      outbox.add(testAlert({ id: 'retry-1' }), ['hook']);
      // refused once (transient), then tried again after its 100-200 ms backoff
      await waitFor(() => server.accepted().length === 1, 1000, 'the retry after the backoff', 5);
      expect(server.requests).to.have.length(2);
      const t0 = Date.now();
      outbox.add(testAlert({ id: 'bundle-1' }), ['hook'], { groupWindowMs: 300 });
      outbox.add(testAlert({ id: 'bundle-2' }), ['hook'], { groupWindowMs: 300 });
      await waitFor(() => server.accepted().length === 2, 1300, 'the bundle, when its window ended', 5);
      const bundle = server.accepted()[1];
      expect(bundle.at - t0).to.be.at.least(290);
      expect(JSON.parse(bundle.body.toString()).alerts).to.have.length(2);
    } finally {
      await dispatcher.stop();
    }
  });
});
