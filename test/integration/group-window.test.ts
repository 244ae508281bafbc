import { expect } from 'chai';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from '../../sinks/notify/outbox/alert-outbox';
import { tempDir } from '../helpers/temp-dir';
import { selfSignedCert } from '../helpers/tls-cert';
import { SmtpTestServer } from '../helpers/smtp-test-server';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { notifiersFrom, testDispatcher } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { waitFor, sleep } from '../helpers/wait';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { testConfig } from '../helpers/config';
import { testLogger } from '../helpers/logger';

const alertN = (i: number) => testAlert({ id: `bundle-alert-${String(i).padStart(9, '0')}`, group: { 'user.name': `user${i}` } });
const sentEntries = (dir: string): OutboxEntry[] => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OutboxEntry);

describe('group_window: alerts of one notifier within the window go out as one message', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  before(() => { tmp = tempDir('group-window'); });
  after(() => tmp.cleanup());

  it('email: one message listing the alerts of the window; an alert without a window is not held; later ones make the next message', async () => {
    const tls = selfSignedCert(tmp.path);
    const server = new SmtpTestServer({ cert: tls.cert, key: tls.key, username: 'u', password: 'p4ssword' });
    const port = await server.start();
    const notifiers = notifiersFrom('  ops-email: { type: email, to: [ops@example.com] }');
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'email'), notifiers, {
      smtp: { host: '127.0.0.1', port, secure: false, starttls: true, username: 'u', password: 'p4ssword', from: 'vigil@example.com', ca: tls.certFile },
    });
    dispatcher.start();
    try {
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) outbox.add(alertN(i), ['ops-email'], { groupWindowMs: 1500 });
      const [alone] = outbox.add(testAlert({ id: 'no-window-alert-00001' }), ['ops-email']);
      await waitFor(() => server.received.length === 1, 10_000, 'the alert without a window');
      expect(server.received[0].parsed.messageId).to.equal(`<${alone.key}@vigil>`);
      expect(Date.now() - t0).to.be.below(1400); // not held by the bundle still collecting

      await waitFor(() => server.received.length === 2, 10_000, 'the bundle');
      expect(Date.now() - t0).to.be.at.least(1450);
      const bundle = server.received[1].parsed;
      expect(bundle.subject).to.equal('[high] failed-logon-burst on user0 (+2 more alerts)');
      expect(bundle.text).to.match(/^3 alerts:/);
      for (let i = 0; i < 3; i++) expect(bundle.text).to.contain(`FIRING: failed-logon-burst (high) on user${i}`);
      const members = sentEntries(outbox.sentDir).filter((e) => e.bundle);
      expect(members).to.have.length(3);
      expect(new Set(members.map((e) => e.bundle)).size).to.equal(1);
      expect(bundle.messageId).to.equal(`<${members[0].bundle}@vigil>`);
      expect(members[0].bundle).to.match(/^[A-Za-z0-9_-]{22}-bundle-ops-email$/);
      expect(await notifications('sent')).to.equal(4);

      // a later alert starts a window of its own
      outbox.add(alertN(9), ['ops-email'], { groupWindowMs: 300 });
      await waitFor(() => server.received.length === 3, 10_000, 'the next window');
      expect(server.received[2].parsed.subject).to.equal('[high] failed-logon-burst on user9');
      await sleep(500);
      expect(server.received).to.have.length(3);
    } finally {
      await dispatcher.stop();
      await server.stop();
    }
  });

  it('webhook: one POST with an array; a retry (500) sends the same members under the same key', async () => {
    const server = new WebhookTestServer();
    const port = await server.start();
    const notifiers = notifiersFrom(`  hook: { type: webhook, url: "http://127.0.0.1:${port}/hook" }`);
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'webhook'), notifiers, { kibanaUrl: 'http://kibana:5601' });
    server.answer = (_r, n) => {
      // an alert arriving between the failed try and the retry is not added to the bundle
      if (n === 1) { outbox.add(alertN(2), ['hook'], { groupWindowMs: 400 }); return 500; }
      return 200;
    };
    dispatcher.start();
    try {
      for (let i = 0; i < 2; i++) outbox.add(alertN(i), ['hook'], { groupWindowMs: 400 });
      await waitFor(() => outbox.counts().sent === 3, 10_000, 'the bundle, then the later alert');
      expect(server.requests).to.have.length(3);
      const [first, retry, later] = server.requests;
      expect(retry.headers['x-vigil-delivery']).to.equal(first.headers['x-vigil-delivery']);
      expect(retry.body.equals(first.body)).to.equal(true);
      const body = JSON.parse(retry.body.toString());
      expect(body.key).to.equal(retry.headers['x-vigil-delivery']);
      expect(body.alerts.map((a: { id: string }) => a.id)).to.deep.equal([alertN(0).id, alertN(1).id]);
      expect(body.alerts[0].kibana_url).to.match(/^http:\/\/kibana:5601\/app\/discover#/);
      // alone in its window: an ordinary single-alert body under the entry's own key
      const single = JSON.parse(later.body.toString());
      expect(single.alert.id).to.equal(alertN(2).id);
      expect(single.key).to.equal(`${alertN(2).id}-firing-hook`);
      expect(outbox.counts()).to.deep.equal({ pending: 0, sent: 3, failed: 0 });
    } finally {
      await dispatcher.stop();
      await server.stop();
    }
  });

  it('a bundle recorded before a crash keeps its members and key, even when newer alerts wait', async () => {
    const server = new WebhookTestServer();
    const port = await server.start();
    const notifiers = notifiersFrom(`  hook: { type: webhook, url: "http://127.0.0.1:${port}/hook" }`);
    const dir = join(tmp.path, 'restart');
    // the state a crash mid-send leaves: two entries with their bundle recorded, one newer without
    const first = testDispatcher(dir, notifiers);
    const [a, b] = [...first.outbox.add(alertN(0), ['hook'], { groupWindowMs: 60_000 }), ...first.outbox.add(alertN(1), ['hook'], { groupWindowMs: 60_000 })];
    for (const e of [a, b]) { e.bundle = 'recorded-bundle-key-0001-bundle-hook'; first.outbox.beginAttempt(e); }
    first.outbox.add(alertN(2), ['hook'], { groupWindowMs: 60_000 });
    const { outbox, dispatcher } = testDispatcher(dir, notifiers);
    dispatcher.start();
    try {
      await waitFor(() => server.accepted().length === 1, 10_000, 'the recorded bundle');
      const body = JSON.parse(server.requests[0].body.toString());
      expect(server.requests[0].headers['x-vigil-delivery']).to.equal('recorded-bundle-key-0001-bundle-hook');
      expect(body.alerts.map((x: { id: string }) => x.id)).to.deep.equal([alertN(0).id, alertN(1).id]);
      expect(outbox.counts()).to.deep.equal({ pending: 1, sent: 2, failed: 0 }); // the newer one waits for its window
    } finally {
      await dispatcher.stop();
      await server.stop();
    }
  });

  it('in the daemon: a rule\'s group_window (from rules.yaml) bundles its alerts into one POST', async () => {
    const server = new WebhookTestServer();
    const port = await server.start();
    const dir = join(tmp.path, 'daemon');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'rules.yaml'), `notifiers:
  hook: { type: webhook, url: "http://127.0.0.1:${port}/hook" }
rules:
  - id: code-x
    type: pattern
    where: 'event.code: X'
    group_by: [seq]
    realert: 0s
    group_window: 1s
    notify: [hook]
`);
    const daemon = new Daemon(testConfig(dir, [join(dir, 'logs', '*.ndjson')]), { log: testLogger(), metrics: new Metrics() });
    await daemon.start();
    try {
      appendFileSync(join(dir, 'logs', 'app.ndjson'), [0, 1, 2].map((i) => `${JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 4, 1) + i * 1000).toISOString(), event: { code: 'X' }, seq: i })}\n`).join(''));
      await waitFor(() => server.accepted().length === 1, 20_000, 'the bundled POST');
      await sleep(1500);
      expect(server.requests).to.have.length(1);
      const body = JSON.parse(server.requests[0].body.toString());
      expect(body.alerts.map((a: { group: { seq: number } }) => a.group.seq)).to.deep.equal([0, 1, 2]);
    } finally {
      await daemon.stop();
      await server.stop();
    }
  });
});
