import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { SmtpConfig } from '../../src/runtime/config/types';
import { tempDir } from '../helpers/temp-dir';
import { selfSignedCert } from '../helpers/tls-cert';
import { SmtpTestServer } from '../helpers/smtp-test-server';
import { notifiersFrom, testDispatcher } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { decodeDiscoverLink } from '../helpers/kibana-link';
import { waitFor, sleep } from '../helpers/wait';

const NASTY = `<script>alert("x")</script> & 'co'`;
const KIBANA = 'https://kibana.example.com:5601/';

describe('email delivery over SMTP (smtp-server with STARTTLS and AUTH)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let tls: ReturnType<typeof selfSignedCert>;
  let server: SmtpTestServer;
  let smtp: SmtpConfig;

  before(async () => {
    tmp = tempDir('email');
    tls = selfSignedCert(tmp.path);
    server = new SmtpTestServer({ cert: tls.cert, key: tls.key, username: 'vigil', password: 'pa55-w0rd' });
    const port = await server.start();
    smtp = { host: '127.0.0.1', port, secure: false, starttls: true, username: 'vigil', password: 'pa55-w0rd', from: 'Vigil <vigil@example.com>', ca: tls.certFile };
  });
  after(async () => { await server.stop(); tmp.cleanup(); });
  beforeEach(() => { server.received.length = 0; });

  it('sends the text and HTML parts with the subject template, escaped values, 10 samples, the Kibana link and a deterministic Message-ID', async () => {
    const notifiers = notifiersFrom(`  ops-email: { type: email, to: [ops@example.com], cc: [sec@example.com], subject: "[{{severity}}] {{rule}} on {{group}} ({{count}}, {{state}})" }`);
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'a'), notifiers, { smtp, kibanaUrl: KIBANA });
    const samples = Array.from({ length: 12 }, (_, i) => ({ '@timestamp': `2026-01-01T10:04:${String(40 + i).padStart(2, '0')}.000Z`, 'log.level': 'warn', message: `sample ${i} ${NASTY}`, 'user.name': NASTY }));
    const alert = testAlert({
      description: `Failed logons <b>burst</b>`,
      group: { 'user.name': NASTY },
      samples,
      query: `(event.code: 4625) and user.name: "o'brien!" and message: "it's 100%"`,
    });
    const [entry] = outbox.add(alert, ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(() => server.received.length === 1, 20_000, 'the email');
      const mail = server.received[0];
      expect(mail.user).to.equal('vigil');
      expect(mail.to).to.deep.equal(['ops@example.com', 'sec@example.com']);
      expect(mail.from).to.equal('vigil@example.com');
      const p = mail.parsed;
      expect(p.subject).to.equal(`[high] failed-logon-burst on ${NASTY} (23, firing)`);
      expect(p.messageId).to.equal(`<${entry.key}@vigil>`);
      expect(p.headers.get('x-vigil-delivery')).to.equal(entry.key);

      const text = p.text ?? '';
      for (const want of ['Rule:', 'failed-logon-burst', 'Description:', 'Severity:', 'high', 'State:', 'firing', `user.name=${NASTY}`, 'Count:', '23', '2026-01-01T10:00:03.000Z', '2026-01-01T10:04:59.000Z', 'Window:', '2026-01-01T10:00:00.000Z to 2026-01-01T10:05:00.000Z']) {
        expect(text).to.contain(want);
      }
      // the newest 10 of 12 samples, newest last
      expect(text.match(/sample \d+/g)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `sample ${i + 2}`));

      const html = typeof p.html === 'string' ? p.html : '';
      expect(html).not.to.contain('<script>');
      expect(html).not.to.contain('<b>burst');
      expect(html).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
      expect(html).to.contain('Failed logons &lt;b&gt;burst&lt;/b&gt;');
      expect(html.match(/sample \d+/g)).to.have.length(10);

      const textLink = /Kibana Discover: (\S+)/.exec(text)?.[1] ?? '';
      const htmlLink = (/<a href="([^"]+)">Open in Kibana Discover<\/a>/.exec(html)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&#39;/g, "'");
      expect(htmlLink).to.equal(textLink);
      const link = decodeDiscoverLink(textLink);
      expect(link.base).to.equal('https://kibana.example.com:5601/app/discover');
      expect(link.language).to.equal('kuery');
      expect(link.query).to.equal(alert.query);
      expect(link.from).to.equal('2026-01-01T10:00:00.000Z');
      expect(link.to).to.equal('2026-01-01T10:05:01.000Z');

      // recorded as sent, with the server's reply
      await waitFor(() => outbox.counts().sent === 1, 5000, 'the entry in sent/');
      const rec = JSON.parse(readFileSync(join(outbox.sentDir, `${entry.key}.json`), 'utf8'));
      expect(rec.sent_at).to.be.a('string');
      expect(rec.delivered).to.match(/^smtp 127\.0\.0\.1:\d+: 250/);
      expect(rec.attempts).to.equal(1);
      expect(readdirSync(outbox.dir).filter((f) => f.endsWith('.json'))).to.deep.equal([]);
    } finally {
      await dispatcher.stop();
    }
  });

  it('a resolved alert says so in the subject and the body, with resolved_at; the same key gives the same Message-ID', async () => {
    const notifiers = notifiersFrom('  ops-email: { type: email, to: [ops@example.com] }');
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'b'), notifiers, { smtp });
    const [entry] = outbox.add(testAlert({ state: 'resolved', resolved_at: '2026-01-01T10:10:00.000Z' }), ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(() => server.received.length === 1, 20_000, 'the email');
      const p = server.received[0].parsed;
      expect(p.subject).to.equal('[RESOLVED] [high] failed-logon-burst on bob');
      expect(p.text).to.match(/^RESOLVED: failed-logon-burst/);
      expect(p.text).to.match(/Resolved at:\s+2026-01-01T10:10:00\.000Z/);
      expect(p.text).not.to.contain('Kibana'); // no kibana_url, no link
      expect(p.messageId).to.equal(`<${entry.key}@vigil>`);
      expect(entry.key).to.equal(`${testAlert().id}-resolved-ops-email`);
    } finally {
      await dispatcher.stop();
    }
  });

  it('implicit TLS (secure: true) with AUTH', async () => {
    const tlsServer = new SmtpTestServer({ cert: tls.cert, key: tls.key, username: 'vigil', password: 'pa55-w0rd', implicitTls: true });
    const port = await tlsServer.start();
    const notifiers = notifiersFrom('  ops-email: { type: email, to: [ops@example.com] }');
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'c'), notifiers, { smtp: { ...smtp, port, secure: true, starttls: false } });
    outbox.add(testAlert(), ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(() => tlsServer.received.length === 1, 20_000, 'the email over implicit TLS');
      expect(tlsServer.received[0].user).to.equal('vigil');
    } finally {
      await dispatcher.stop();
      await tlsServer.stop();
    }
  });

  it('the embedded default (no smtp): the message is written as <key>.eml, the MIME message SMTP would carry', async () => {
    const notifiers = notifiersFrom('  ops-email: { type: email, to: [ops@example.com], from: "Alerts <alerts@example.com>" }');
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'd'), notifiers, { kibanaUrl: KIBANA });
    const [entry] = outbox.add(testAlert({ group: { 'user.name': NASTY } }), ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the .eml');
      await sleep(100);
      const p = await simpleParser(readFileSync(join(outbox.dir, `${entry.key}.eml`)));
      expect(p.messageId).to.equal(`<${entry.key}@vigil>`);
      expect(p.subject).to.equal(`[high] failed-logon-burst on ${NASTY}`);
      expect(p.from?.value[0]).to.deep.include({ name: 'Alerts', address: 'alerts@example.com' });
      expect(p.to && !Array.isArray(p.to) ? p.to.text : '').to.equal('ops@example.com');
      expect(p.text).to.contain('Count:');
      expect(typeof p.html === 'string' ? p.html : '').to.contain('&lt;script&gt;');
      expect(decodeDiscoverLink(/Kibana Discover: (\S+)/.exec(p.text ?? '')?.[1] ?? '').query).to.equal(testAlert().query);
      expect(JSON.parse(readFileSync(join(outbox.sentDir, `${entry.key}.json`), 'utf8')).delivered).to.equal(`file ${join(outbox.dir, `${entry.key}.eml`)}`);
    } finally {
      await dispatcher.stop();
    }
  });
});
