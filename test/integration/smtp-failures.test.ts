import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmtpConfig } from '../../src/runtime/config/types';
import type { OutboxEntry } from '../../sinks/notify/outbox/alert-outbox';
import { tempDir } from '../helpers/temp-dir';
import { selfSignedCert } from '../helpers/tls-cert';
import { SmtpTestServer } from '../helpers/smtp-test-server';
import { freePort } from '../helpers/free-port';
import { notifiersFrom, testDispatcher } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { captureLogger } from '../helpers/logger';
import { waitFor, sleep } from '../helpers/wait';

const PASSWORD = 'c0rrect-h0rse';

describe('email delivery when SMTP fails', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let tls: ReturnType<typeof selfSignedCert>;
  const notifiers = notifiersFrom('  ops-email: { type: email, to: [ops@example.com] }\n  other-email: { type: email, to: [nobody@example.com] }');
  const smtpAt = (port: number, password = PASSWORD): SmtpConfig => ({ host: '127.0.0.1', port, secure: false, starttls: true, username: 'vigil', password, from: 'vigil@example.com', ca: tls.certFile });
  const server = (behaviour = {}) => new SmtpTestServer({ cert: tls.cert, key: tls.key, username: 'vigil', password: PASSWORD, behaviour });

  before(() => { tmp = tempDir('smtp-fail'); tls = selfSignedCert(tmp.path); });
  after(() => tmp.cleanup());

  it('server down, then up: retried with backoff, delivered once after it comes back', async () => {
    const port = await freePort();
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'down'), notifiers, { smtp: smtpAt(port) });
    const [entry] = outbox.add(testAlert(), ['ops-email']);
    dispatcher.start();
    const srv = server();
    try {
      await waitFor(async () => (await notifications('retry')) >= 3, 20_000, 'three failed tries');
      const pending = JSON.parse(readFileSync(join(outbox.dir, `${entry.key}.json`), 'utf8')) as OutboxEntry;
      expect(pending.last_error).to.match(/ECONNECTION|ECONNREFUSED|ESOCKET/);
      expect(pending.attempts).to.be.at.least(3);
      const st = dispatcher.status() as { pending: number; notifiers: Record<string, { last_error?: string; pending: number }> };
      expect(st.pending).to.equal(1);
      expect(st.notifiers['ops-email'].last_error).to.match(/SMTP 127\.0\.0\.1:\d+/);
      await srv.start(port);
      await waitFor(() => srv.received.length === 1, 20_000, 'the email once the server is up');
      await sleep(1000);
      expect(srv.received).to.have.length(1);
      expect(srv.received[0].parsed.messageId).to.equal(`<${entry.key}@vigil>`);
      expect(outbox.counts()).to.deep.equal({ pending: 0, sent: 1, failed: 0 });
      expect(await notifications('sent')).to.equal(1);
    } finally {
      await dispatcher.stop();
      await srv.stop();
    }
  });

  it('a 4xx after DATA is retried, then accepted once', async () => {
    const srv = server({ tempFailures: 1 });
    const port = await srv.start();
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, '4xx'), notifiers, { smtp: smtpAt(port) });
    outbox.add(testAlert(), ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(() => srv.received.length === 1, 20_000, 'the email after the 451');
      await sleep(500);
      expect(srv.received).to.have.length(1);
      expect(await notifications('retry')).to.equal(1);
      expect(await notifications('sent')).to.equal(1);
      expect(outbox.counts()).to.deep.equal({ pending: 0, sent: 1, failed: 0 });
    } finally {
      await dispatcher.stop();
      await srv.stop();
    }
  });

  it('a 5xx for the recipient moves the entry to failed/ with the error; other notifiers are not held up', async () => {
    const srv = server({ rejectRecipients: ['nobody@example.com'] });
    const port = await srv.start();
    const cap = captureLogger();
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, '5xx'), notifiers, { smtp: smtpAt(port) }, cap.log);
    const [bad] = outbox.add(testAlert(), ['other-email']);
    outbox.add(testAlert({ id: 'second-alert-id-000001' }), ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().failed === 1 && outbox.counts().sent === 1, 20_000, 'one failed, one sent');
      const rec = JSON.parse(readFileSync(join(outbox.failedDir, `${bad.key}.json`), 'utf8')) as OutboxEntry;
      expect(rec.error).to.match(/refused the message.*550.*nobody@example\.com/);
      expect(rec.failed_at).to.be.a('string');
      expect(await notifications('failed', 'other-email')).to.equal(1);
      expect(srv.received.map((m) => m.to)).to.deep.equal([['ops@example.com']]);
      expect(cap.lines.some((l) => l.level === 50 && /moved to failed/.test(l.msg) && l.notifier === 'other-email')).to.equal(true);
      const st = dispatcher.status() as { failed: number; notifiers: Record<string, { failed: number; last_error?: string }> };
      expect(st.failed).to.equal(1);
      expect(st.notifiers['other-email'].failed).to.equal(1);
    } finally {
      await dispatcher.stop();
      await srv.stop();
    }
  });

  it('a wrong password is reported clearly (log, status, entry) without the password, and retried: nothing is lost', async () => {
    const srv = server();
    const port = await srv.start();
    const wrong = 'wr0ng-passw0rd-123';
    const cap = captureLogger();
    const { outbox, dispatcher, notifications } = testDispatcher(join(tmp.path, 'auth'), notifiers, { smtp: smtpAt(port, wrong) }, cap.log);
    const [entry] = outbox.add(testAlert(), ['ops-email']);
    dispatcher.start();
    try {
      await waitFor(async () => (await notifications('retry')) >= 2, 20_000, 'two failed logins');
      expect(srv.authFailures).to.be.at.least(2);
      expect(srv.received).to.have.length(0);
      const st = dispatcher.status() as { pending: number; notifiers: Record<string, { last_error?: string }> };
      expect(st.pending).to.equal(1);
      expect(st.notifiers['ops-email'].last_error).to.match(/authentication failed .*535.*check smtp\.username and smtp\.password/);
      const pending = JSON.parse(readFileSync(join(outbox.dir, `${entry.key}.json`), 'utf8')) as OutboxEntry;
      expect(pending.last_error).to.match(/authentication failed/);
      const everything = JSON.stringify(cap.lines) + JSON.stringify(st) + JSON.stringify(pending);
      expect(everything).not.to.contain(wrong);
      expect(everything).not.to.contain(PASSWORD);
      expect(outbox.counts().failed).to.equal(0);
    } finally {
      await dispatcher.stop();
      await srv.stop();
    }
  });
});
