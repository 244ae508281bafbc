import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';
import { RulesEngine } from '../../rules/engine';
import type { Alert } from '../../rules/alerts/alert';
import type { LoadedRules } from '../../rules/types';
import { silentLogger } from '../../src/core/log';
import type { SmtpConfig } from '../../src/runtime/config/types';
import { tempDir } from '../helpers/temp-dir';
import { selfSignedCert } from '../helpers/tls-cert';
import { SmtpTestServer } from '../helpers/smtp-test-server';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { testDispatcher } from '../helpers/dispatch';
import { waitFor } from '../helpers/wait';

const SECRET = 'hmac-k3y-for-templates';
const T0 = Date.UTC(2026, 0, 1, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/**
 * The rule's alert made by the rules engine from events (a password spray against web1: 6 failed
 * logons in a minute), then delivered through the outbox to a real SMTP server and a real HTTP
 * receiver. (That values outside the window are not counted: test/unit/top-counts.test.ts.)
 */
function rulesFile(webhookUrl: string): string {
  return `
notifiers:
  ops-email: { type: email, to: [ops@example.com], subject: "[{{severity}}] {{rule}} on {{host.name}}: {{count}} failures, first from {{source.ip}}" }
  ops-text:
    type: email
    to: [ops@example.com]
    subject: "{{rule}} ({{state}})"
    body: |
      {{description}} on {{host.name}}: {{count}} in {{window_start}} .. {{window_end}}
      {{#top_counts}}
      {{field}}: {{#values}}{{value}} x{{count}}; {{/values}}others {{others}}
      {{/top_counts}}
      {{#samples}}
      - {{user.name}} from {{source.ip}}
      {{/samples}}
  hook:
    type: webhook
    url: "${webhookUrl}"
    secret: "${SECRET}"
    body:
      summary: "{{rule}} on {{host.name}}: {{count}} failed logons <b>{{state}}</b>"
      count: "{{count}}"
      top: "{{top_counts}}"
      delivery: "{{key}}"
rules:
  - id: password-spray
    description: Failed logons from few addresses
    type: threshold
    where: 'event.code: 4625'
    group_by: [host.name]
    threshold: 6
    window: 1m
    include: [user.name, source.ip]
    top_count_keys: [source.ip, user.name]
    notify: [ops-email, ops-text, hook]
`;
}

function sprayAlert(rules: LoadedRules): Alert {
  const engine = new RulesEngine(silentLogger());
  engine.use(rules);
  const alerts: Alert[] = [];
  const ev = (s: number, user: string, ip: string) => {
    for (const c of engine.processDoc({ '@timestamp': at(s), event: { code: '4625' }, host: { name: 'web1' }, user: { name: user }, source: { ip }, message: 'An account failed to log on' })) alerts.push(c.alert);
  };
  ev(0, 'alice', '198.51.100.7');
  ev(5, 'bob', '198.51.100.7');
  ev(10, 'carol', '198.51.100.7');
  ev(15, '<img src=x onerror=alert(1)>', '203.0.113.5');
  ev(20, 'alice', '198.51.100.7');
  ev(25, 'dave', '203.0.113.5');
  expect(alerts).to.have.length(1);
  return alerts[0];
}

describe('alert templates, include and top_count_keys, delivered to real receivers', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let smtpServer: SmtpTestServer;
  let smtp: SmtpConfig;
  let hook: WebhookTestServer;
  let rules: LoadedRules;

  before(async () => {
    tmp = tempDir('templates');
    const tls = selfSignedCert(tmp.path);
    smtpServer = new SmtpTestServer({ cert: tls.cert, key: tls.key, username: 'vigil', password: 'pa55-w0rd' });
    const port = await smtpServer.start();
    smtp = { host: '127.0.0.1', port, secure: false, starttls: true, username: 'vigil', password: 'pa55-w0rd', from: 'Vigil <vigil@example.com>', ca: tls.certFile };
    hook = new WebhookTestServer();
    const hookPort = await hook.start();
    const r = parseRulesText(rulesFile(`http://127.0.0.1:${hookPort}/alerts`), 'rules.yaml', { validateWhere, env: {} });
    expect(r.problems).to.deep.equal([]);
    rules = r.rules!;
  });
  after(async () => { await smtpServer.stop(); await hook.stop(); tmp.cleanup(); });

  it('the standard email shows the top values of the window and the samples with the included fields only; a body template replaces the text', async () => {
    const alert = sprayAlert(rules);
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'mail'), rules.notifiers, { smtp });
    outbox.add(alert, ['ops-email', 'ops-text']);
    dispatcher.start();
    try {
      await waitFor(() => smtpServer.received.length === 2, 20_000, 'two emails');
    } finally {
      await dispatcher.stop();
    }
    const bySubject = new Map(smtpServer.received.map((m) => [m.parsed.subject ?? '', m.parsed]));
    const std = bySubject.get('[medium] password-spray on web1: 6 failures, first from 198.51.100.7');
    expect(std, [...bySubject.keys()].join(' | ')).to.not.equal(undefined);
    const text = std!.text ?? '';
    expect(text).to.contain([
      'Top values in the window:',
      '  source.ip: 198.51.100.7 (4), 203.0.113.5 (2)',
      '  user.name: alice (2), <img src=x onerror=alert(1)> (1), bob (1), carol (1), dave (1)',
    ].join('\n'));
    // samples: @timestamp, then exactly the included fields (no message, no host.name, no event.code)
    expect(text).to.contain(`6. ${at(25)}\n    user.name=dave  source.ip=203.0.113.5`);
    expect(text).not.to.contain('An account failed to log on');
    const html = typeof std!.html === 'string' ? std!.html : '';
    expect(html).to.contain('<th align="left" style="padding:2px 8px;border:1px solid #ddd;vertical-align:top">@timestamp</th><th align="left" style="padding:2px 8px;border:1px solid #ddd;vertical-align:top">user.name</th><th align="left" style="padding:2px 8px;border:1px solid #ddd;vertical-align:top">source.ip</th></tr>');
    expect(html).to.contain('alice (2), &lt;img src=x onerror=alert(1)&gt; (1)');
    expect(html).not.to.contain('<img');

    const custom = bySubject.get('password-spray (firing)');
    expect(custom, [...bySubject.keys()].join(' | ')).to.not.equal(undefined);
    expect(custom!.text).to.equal([
      `Failed logons from few addresses on web1: 6 in ${at(0)} .. ${at(60)}`,
      'source.ip: 198.51.100.7 x4; 203.0.113.5 x2; others 0',
      'user.name: alice x2; <img src=x onerror=alert(1)> x1; bob x1; carol x1; dave x1; others 0',
      '- alice from 198.51.100.7',
      '- bob from 198.51.100.7',
      '- carol from 198.51.100.7',
      '- <img src=x onerror=alert(1)> from 203.0.113.5',
      '- alice from 198.51.100.7',
      '- dave from 203.0.113.5',
      '',
      '-- ',
      'Sent by Vigil',
      '',
    ].join('\n'));
    const customHtml = typeof custom!.html === 'string' ? custom!.html : '';
    expect(customHtml).to.contain('- &lt;img src=x onerror=alert(1)&gt; from 203.0.113.5');
    expect(customHtml).not.to.contain('<img');
  });

  it('a webhook body template: the JSON the receiver gets, signed over its exact bytes', async () => {
    const alert = sprayAlert(rules);
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'hook'), rules.notifiers);
    const [entry] = outbox.add(alert, ['hook']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the POST');
    } finally {
      await dispatcher.stop();
    }
    expect(hook.requests).to.have.length(1);
    const r = hook.requests[0];
    expect(r.url).to.equal('/alerts');
    expect(r.headers['x-vigil-signature']).to.equal(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
    expect(JSON.parse(r.body.toString('utf8'))).to.deep.equal({
      summary: 'password-spray on web1: 6 failed logons <b>firing</b>',
      count: 6,
      top: [
        { field: 'source.ip', values: [{ value: '198.51.100.7', count: 4 }, { value: '203.0.113.5', count: 2 }], others: 0, text: '198.51.100.7 (4), 203.0.113.5 (2)' },
        {
          field: 'user.name',
          values: [{ value: 'alice', count: 2 }, { value: '<img src=x onerror=alert(1)>', count: 1 }, { value: 'bob', count: 1 }, { value: 'carol', count: 1 }, { value: 'dave', count: 1 }],
          others: 0,
          text: 'alice (2), <img src=x onerror=alert(1)> (1), bob (1), carol (1), dave (1)',
        },
      ],
      delivery: entry.key,
    });
  });
});
