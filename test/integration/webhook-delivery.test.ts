import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from '../../sinks/notify/outbox/alert-outbox';
import { tempDir } from '../helpers/temp-dir';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { notifiersFrom, testDispatcher } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { decodeDiscoverLink } from '../helpers/kibana-link';
import { captureLogger } from '../helpers/logger';
import { waitFor, sleep } from '../helpers/wait';

const SECRET = 'hmac-k3y-for-tests';
const TOKEN = 'Bearer t0ken-abc-123';
const KIBANA = 'http://kibana.local:5601';

describe('webhook delivery (a real HTTP server on 127.0.0.1)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let server: WebhookTestServer;
  let base: string;

  before(async () => {
    tmp = tempDir('webhook');
    server = new WebhookTestServer();
    base = `http://127.0.0.1:${await server.start()}`;
  });
  after(async () => { await server.stop(); tmp.cleanup(); });
  beforeEach(() => { server.requests.length = 0; server.answer = () => 200; });

  const hooks = () => notifiersFrom([
    `  hook: { type: webhook, url: "${base}/hook", format: json, secret: "${SECRET}", headers: { Authorization: "${TOKEN}", X-Team: ops } }`,
    `  slack: { type: webhook, url: "${base}/slack", format: slack }`,
    `  teams: { type: webhook, url: "${base}/teams", format: teams }`,
    `  quick: { type: webhook, url: "${base}/quick", timeout: 300ms }`,
  ].join('\n'));

  it('json: the alert and its key, custom headers, X-Vigil-Delivery, and an HMAC the receiver can verify', async () => {
    const cap = captureLogger();
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'json'), hooks(), { kibanaUrl: KIBANA }, cap.log);
    const alert = testAlert();
    const [entry] = outbox.add(alert, ['hook']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the POST');
      expect(server.requests).to.have.length(1);
      const r = server.requests[0];
      expect(r.method).to.equal('POST');
      expect(r.url).to.equal('/hook');
      expect(r.headers['content-type']).to.match(/^application\/json/);
      expect(r.headers.authorization).to.equal(TOKEN);
      expect(r.headers['x-team']).to.equal('ops');
      expect(r.headers['x-vigil-delivery']).to.equal(entry.key);
      const expected = `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`;
      expect(r.headers['x-vigil-signature']).to.equal(expected);
      const body = JSON.parse(r.body.toString('utf8'));
      expect(body.key).to.equal(entry.key);
      expect(body.alert).to.deep.equal(alert);
      expect(decodeDiscoverLink(body.kibana_url).query).to.equal(alert.query);
      // secrets never in logs or status
      const shown = JSON.stringify(cap.lines) + JSON.stringify(dispatcher.status()) + readFileSync(join(outbox.sentDir, `${entry.key}.json`), 'utf8');
      expect(shown).not.to.contain(SECRET);
      expect(shown).not.to.contain('t0ken-abc-123');
    } finally {
      await dispatcher.stop();
    }
  });

  it('slack: text and blocks with the fields, escaped, and the Kibana button', async () => {
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'slack'), hooks(), { kibanaUrl: KIBANA });
    const alert = testAlert({ group: { 'user.name': '<!channel> & co' } });
    const [entry] = outbox.add(alert, ['slack']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the POST');
      const body = JSON.parse(server.requests[0].body.toString('utf8'));
      expect(body.text).to.equal('FIRING: failed-logon-burst (high) on &lt;!channel&gt; &amp; co');
      const fields = body.blocks.find((b: { type: string; fields?: unknown }) => b.type === 'section' && b.fields).fields.map((f: { text: string }) => f.text);
      expect(fields).to.include('*Count*\n23 (reference 20)');
      expect(fields).to.include('*Group*\nuser.name=&lt;!channel&gt; &amp; co');
      const button = body.blocks.find((b: { type: string }) => b.type === 'actions').elements[0];
      expect(decodeDiscoverLink(button.url).query).to.equal(alert.query);
      expect(JSON.stringify(body.blocks)).to.contain(entry.key);
      expect(server.requests[0].headers['x-vigil-signature']).to.equal(undefined); // no secret, no signature
    } finally {
      await dispatcher.stop();
    }
  });

  it('teams: an Adaptive Card in the message envelope, with the facts and the link', async () => {
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'teams'), hooks(), { kibanaUrl: KIBANA });
    const alert = testAlert({ state: 'resolved', resolved_at: '2026-01-01T10:12:00.000Z' });
    outbox.add(alert, ['teams']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the POST');
      const body = JSON.parse(server.requests[0].body.toString('utf8'));
      expect(body.type).to.equal('message');
      const att = body.attachments[0];
      expect(att.contentType).to.equal('application/vnd.microsoft.card.adaptive');
      expect(att.content.type).to.equal('AdaptiveCard');
      expect(att.content.body[0].text).to.equal('RESOLVED: failed-logon-burst (high) on bob');
      const facts = att.content.body[1].facts as Array<{ title: string; value: string }>;
      expect(facts).to.deep.include({ title: 'Resolved at', value: '2026-01-01T10:12:00.000Z' });
      expect(facts).to.deep.include({ title: 'Severity', value: 'high' });
      expect(att.content.body[3].facts).to.have.length(10);
      const actions = att.content.body.find((b: { type: string }) => b.type === 'ActionSet').actions;
      expect(decodeDiscoverLink(actions[0].url).to).to.equal('2026-01-01T10:12:01.000Z');
    } finally {
      await dispatcher.stop();
    }
  });

  it('a receiver that never answers times out (the notifier\'s timeout) and the retry carries the same X-Vigil-Delivery', async () => {
    server.answer = (_r, n) => (n === 1 ? 'hang' : 200);
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'timeout'), hooks());
    const [entry] = outbox.add(testAlert(), ['quick']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the retry after the timeout');
      expect(server.requests).to.have.length(2);
      expect(server.requests.map((r) => r.headers['x-vigil-delivery'])).to.deep.equal([entry.key, entry.key]);
      expect(server.accepted()).to.have.length(1);
      expect(await notifications('retry')).to.equal(1);
      const rec = JSON.parse(readFileSync(join(outbox.sentDir, `${entry.key}.json`), 'utf8')) as OutboxEntry;
      expect(rec.attempts).to.equal(2);
    } finally {
      await dispatcher.stop();
    }
  });

  it('429 with Retry-After: the next try waits as the receiver asked, up to the backoff cap', async () => {
    server.answer = (_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200);
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, '429'), hooks());
    outbox.add(testAlert(), ['hook']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the retry after 429');
      expect(server.requests).to.have.length(2);
      // Retry-After: 1 s, capped at this dispatcher's 400 ms maximum; its own first backoff is 25-50 ms
      expect(server.requests[1].at - server.requests[0].at).to.be.at.least(390);
    } finally {
      await dispatcher.stop();
    }
  });

  it('500 then 200: one delivery accepted; 400: moved to failed/', async () => {
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'status'), hooks());
    server.answer = (r, n) => (r.url === '/hook' ? (n === 1 ? 500 : 200) : 400);
    const [ok] = outbox.add(testAlert(), ['hook']);
    const [bad] = outbox.add(testAlert(), ['slack']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1 && outbox.counts().failed === 1, 10_000, 'one sent, one failed');
      await sleep(300);
      expect(server.accepted().map((r) => r.headers['x-vigil-delivery'])).to.deep.equal([ok.key]);
      expect(server.requests.filter((r) => r.url === '/hook')).to.have.length(2);
      expect(server.requests.filter((r) => r.url === '/slack')).to.have.length(1);
      const failed = JSON.parse(readFileSync(join(outbox.failedDir, `${bad.key}.json`), 'utf8')) as OutboxEntry;
      expect(failed.error).to.equal('HTTP 400: status 400');
      expect(await notifications('failed', 'slack')).to.equal(1);
      expect(await notifications('retry', 'hook')).to.equal(1);
    } finally {
      await dispatcher.stop();
    }
  });

  it('retries: N gives a notification up after the first try and N retries (failed/, "given up"); without it, it keeps trying', async () => {
    const notifiers = notifiersFrom([
      `  capped: { type: webhook, url: "${base}/capped", retries: 2 }`,
      `  endless: { type: webhook, url: "${base}/endless" }`,
    ].join('\n'));
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'retries'), notifiers);
    server.answer = () => 503;
    const [capped] = outbox.add(testAlert(), ['capped']);
    outbox.add(testAlert(), ['endless']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().failed === 1, 15_000, 'the capped one given up');
      expect(server.requests.filter((r) => r.url === '/capped')).to.have.length(3);
      const failed = JSON.parse(readFileSync(join(outbox.failedDir, `${capped.key}.json`), 'utf8')) as OutboxEntry;
      expect(failed.error).to.match(/^given up after 3 tries \(retries: 2\): HTTP 503/);
      expect(await notifications('failed', 'capped')).to.equal(1);
      await waitFor(() => server.requests.filter((r) => r.url === '/endless').length >= 4, 15_000, 'the endless one still trying');
      expect(outbox.counts()).to.deep.include({ pending: 1, failed: 1 });
    } finally {
      await dispatcher.stop();
    }
  });

  it('/health: a notifier fails while its notifications wait on a failing receiver, recovers when one is accepted, and shows a refusal', async () => {
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'health'), hooks());
    let down = true;
    server.answer = (r) => (r.url === '/hook' ? (down ? 503 : 200) : 400);
    const health = (name: string) => dispatcher.health().find((h) => h.name === name);
    outbox.add(testAlert(), ['hook']);
    dispatcher.start();
    try {
      await waitFor(() => health('hook')?.ok === false, 10_000, 'hook failing');
      expect(health('hook')!.detail).to.match(/^1 waiting; last try failed: HTTP 503/);
      down = false;
      await waitFor(() => outbox.counts().sent === 1, 15_000, 'the retry accepted');
      await waitFor(() => health('hook')?.ok === true, 5000, 'hook healthy again');
      expect(health('hook')!.detail).to.equal('1 sent, 0 waiting');
      outbox.add(testAlert(), ['slack']);
      dispatcher.kick();
      await waitFor(() => outbox.counts().failed === 1, 10_000, 'the slack one refused');
      await waitFor(() => health('slack')?.ok === false, 5000, 'slack failing');
      expect(health('slack')!.detail).to.match(/^a notification was refused for good \(moved to failed\/\): HTTP 400/);
      expect(health('hook')!.ok).to.equal(true);
    } finally {
      await dispatcher.stop();
    }
  });

  it('slack: a refusal inside an HTTP 200 is a failure (an error code for text, the Web API\'s ok:false), a rate limit is retried', async () => {
    const answers: Record<string, string> = {
      '/slack-text': 'invalid_payload',
      '/slack-api': '{"ok":false,"error":"channel_not_found"}',
      '/slack-ok': 'ok',
      '/slack-json-ok': '{"ok":true,"channel":"C1","ts":"1.2"}',
    };
    let limited = 0;
    server.answer = (r) => {
      if (r.url === '/slack-limited') return { status: 200, headers: {}, body: limited++ === 0 ? '{"ok":false,"error":"ratelimited"}' : 'ok' };
      return { status: 200, headers: {}, body: answers[r.url] };
    };
    const defs = notifiersFrom(['text', 'api', 'ok', 'json-ok', 'limited'].map((n) => `  ${n}: { type: webhook, url: "${base}/slack-${n}", format: slack }`).join('\n'));
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'slack-200'), defs);
    const keys = Object.fromEntries(['text', 'api', 'ok', 'json-ok', 'limited'].map((n) => [n, outbox.add(testAlert(), [n])[0].key]));
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 3 && outbox.counts().failed === 2, 10_000, 'three sent, two refused');
      const error = (k: string) => (JSON.parse(readFileSync(join(outbox.failedDir, `${k}.json`), 'utf8')) as OutboxEntry).error;
      expect(error(keys.text)).to.equal('Slack refused the message: HTTP 200 "invalid_payload"');
      expect(error(keys.api)).to.equal('Slack refused the message: HTTP 200 "channel_not_found"');
      for (const n of ['ok', 'json-ok', 'limited']) expect(readdirSync(outbox.sentDir)).to.include(`${keys[n]}.json`);
      expect(await notifications('retry', 'limited')).to.equal(1);
    } finally {
      await dispatcher.stop();
    }
  });

  it('the embedded default writes the body that would be POSTed as webhook/<key>.json', async () => {
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'file'), hooks(), { webhooks: 'file' });
    const [entry] = outbox.add(testAlert(), ['slack']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the file');
      const body = JSON.parse(readFileSync(join(outbox.dir, 'webhook', `${entry.key}.json`), 'utf8'));
      expect(body.text).to.equal('FIRING: failed-logon-burst (high) on bob');
      expect(server.requests).to.have.length(0);
    } finally {
      await dispatcher.stop();
    }
  });
});
