import { expect } from 'chai';
import { join } from 'node:path';
import type { SmtpConfig } from '../../src/runtime/config/types';
import { MAX_MESSAGE_URL_CHARS } from '../../sinks/notify/view/kibana-link';
import { tempDir } from '../helpers/temp-dir';
import { selfSignedCert } from '../helpers/tls-cert';
import { SmtpTestServer } from '../helpers/smtp-test-server';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { notifiersFrom, testDispatcher } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { decodeDiscoverLink } from '../helpers/kibana-link';
import { waitFor } from '../helpers/wait';

const KIBANA = 'https://kibana.example.com:5601';
/** a log line that tries every markup trick of Slack and Teams */
const HOSTILE = '*bold* _it_ ~gone~ `code` <https://evil.example|click here> <!channel> & [link](https://evil.example) **strong** {{DATE(2017-02-14T06:00:00Z, SHORT)}}';
const WHERE = 'event.code: 4625 and winlog.channel: Security';

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ url?: string; text?: string }> };
type Element = { type: string; text?: string; facts?: Array<{ title: string; value: string }>; actions?: Array<{ url: string }> };

describe('hostile content in notifications', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let server: WebhookTestServer;
  let base: string;

  before(async () => {
    tmp = tempDir('hostile');
    server = new WebhookTestServer();
    base = `http://127.0.0.1:${await server.start()}`;
  });
  after(async () => { await server.stop(); tmp.cleanup(); });
  beforeEach(() => { server.requests.length = 0; });

  /** The body the real receiver got for one alert sent through `format`. */
  async function bodyFor(format: 'slack' | 'teams' | 'json', alert: ReturnType<typeof testAlert>, name: string): Promise<any> {
    const notifiers = notifiersFrom(`  hook: { type: webhook, url: "${base}/${name}", format: ${format} }`);
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, name), notifiers, { kibanaUrl: KIBANA });
    outbox.add(alert, ['hook']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, `the ${format} POST`);
    } finally {
      await dispatcher.stop();
    }
    return JSON.parse(server.requests.find((r) => r.url === `/${name}`)!.body.toString('utf8'));
  }

  const hostileAlert = () => testAlert({
    group: { 'user.name': HOSTILE },
    samples: [{ '@timestamp': '2026-01-01T10:04:59.000Z', message: `> quoted ${HOSTILE}` }],
  });

  it('slack: event values cannot format, link, mention or quote (mrkdwn escaped)', async () => {
    const body = await bodyFor('slack', hostileAlert(), 'slack-md');
    const group = body.blocks.find((b: Block) => b.fields).fields.map((f: { text: string }) => f.text).find((t: string) => t.startsWith('*Group*'));
    expect(group).to.equal('*Group*\nuser.name=∗bold∗ ˍitˍ ∼gone∼ ˋcodeˋ &lt;https://evil.example|click here&gt; &lt;!channel&gt; &amp; [link](https://evil.example) ∗∗strong∗∗ {{DATE(2017-02-14T06:00:00Z, SHORT)}}');
    const samples = body.blocks.find((b: Block) => b.text?.text.startsWith('*Samples')).text.text as string;
    expect(samples).to.contain('• 2026-01-01T10:04:59.000Z  &gt; quoted ∗bold∗');
    expect(group.split('\n')[1]).not.to.match(/^>/);
    // every mrkdwn text (plain_text, as in the header, is shown as it is by Slack)
    const mrkdwn: string[] = [body.text];
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.type === 'mrkdwn') mrkdwn.push(String(o.text));
        Object.values(o).forEach(collect);
      }
    };
    collect(body.blocks);
    expect(mrkdwn.length).to.be.greaterThan(8);
    for (const raw of ['*bold*', '_it_', '~gone~', '`code`', '<https://evil', '<!channel>', ' & ']) expect(mrkdwn.join('\n'), raw).not.to.contain(raw);
    expect(body.text).to.contain('&lt;!channel&gt;');
    // snake_case field names are left alone: an underscore inside a word marks nothing in mrkdwn
    expect(JSON.stringify(body)).to.contain('TargetUserName');
  });

  it('teams: markdown in event values is backslash-escaped in TextBlocks and FactSet values', async () => {
    const body = await bodyFor('teams', hostileAlert(), 'teams-md');
    const card = body.attachments[0].content.body as Element[];
    const facts = card.filter((e) => e.type === 'FactSet').flatMap((e) => e.facts!);
    expect(facts.find((f) => f.title === 'Group')!.value).to.equal(
      'user.name=\\*bold\\* \\_it\\_ \\~gone\\~ \\`code\\` \\<https://evil.example|click here> \\<!channel> & \\[link\\](https://evil.example) \\*\\*strong\\*\\* \\{\\{DATE(2017-02-14T06:00:00Z, SHORT)\\}\\}',
    );
    expect(facts.find((f) => f.value.includes('quoted'))!.value).to.match(/^2026-01-01T10:04:59\.000Z {2}> quoted \\\*bold\\\*/);
    expect(card[0].text).to.equal('FIRING: failed-logon-burst (high) on \\*bold\\* \\_it\\_ \\~gone\\~ \\`code\\` \\<https://evil.example|click here> \\<!channel> & \\[link\\](https://evil.example) \\*\\*strong\\*\\* \\{\\{DATE(2017-02-14T06:00:00Z, SHORT)\\}\\}');
    expect(JSON.stringify(card)).not.to.contain('[link](');
  });

  describe('a 100k-character group value: every message URL stays within 3,000 characters', () => {
    const huge = 'A'.repeat(100_000);
    const bigAlert = () => testAlert({ group: { 'user.name': huge }, query: `(${WHERE}) and user.name: "${huge}"`, where: WHERE });

    it('slack: the button links to the rule without the group filter, and the message says so', async () => {
      const body = await bodyFor('slack', bigAlert(), 'slack-cap');
      const button = body.blocks.find((b: Block) => b.type === 'actions').elements[0];
      expect(button.url.length).to.be.at.most(MAX_MESSAGE_URL_CHARS);
      expect(decodeDiscoverLink(button.url).query).to.equal(WHERE);
      const note = body.blocks.filter((b: Block) => b.type === 'context').map((b: Block) => b.elements![0].text).join('\n');
      expect(note).to.match(/every event of the rule in the time range, not only this group: with the group filter it would be \d+ characters, over the 3000/);
      for (const b of body.blocks as Block[]) if (b.text) expect(b.text.text.length).to.be.at.most(3000);
    });

    it('teams and json: the same capped link and note', async () => {
      const teams = await bodyFor('teams', bigAlert(), 'teams-cap');
      const card = teams.attachments[0].content.body as Element[];
      const url = card.find((e) => e.type === 'ActionSet')!.actions![0].url;
      expect(url.length).to.be.at.most(MAX_MESSAGE_URL_CHARS);
      expect(decodeDiscoverLink(url).query).to.equal(WHERE);
      expect(card.some((e) => e.type === 'TextBlock' && /not only this group/.test(e.text ?? ''))).to.equal(true);
      const json = await bodyFor('json', bigAlert(), 'json-cap');
      expect(json.kibana_url.length).to.be.at.most(MAX_MESSAGE_URL_CHARS);
      expect(json.kibana_url_note).to.match(/not only this group/);
    });

    it('without the rule query to fall back on (an alert of an older version), no link, and a note', async () => {
      const body = await bodyFor('slack', testAlert({ group: { 'user.name': huge }, query: `user.name: "${huge}"` }), 'slack-nolink');
      expect(body.blocks.some((b: Block) => b.type === 'actions')).to.equal(false);
      expect(JSON.stringify(body)).to.match(/No Kibana link: with the group filter it would be \d+ characters/);
    });
  });
});

describe('email subject: encoded-words and bidi controls from events are neutralised', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let server: SmtpTestServer;
  let smtp: SmtpConfig;

  before(async () => {
    tmp = tempDir('subject');
    const tls = selfSignedCert(tmp.path);
    server = new SmtpTestServer({ cert: tls.cert, key: tls.key, username: 'vigil', password: 'pa55-w0rd' });
    const port = await server.start();
    smtp = { host: '127.0.0.1', port, secure: false, starttls: true, username: 'vigil', password: 'pa55-w0rd', from: 'vigil@example.com', ca: tls.certFile };
  });
  after(async () => { await server.stop(); tmp.cleanup(); });

  it('the subject the reader sees is the value as logged, not a decoded or reordered one', async () => {
    const paid = Buffer.from('Invoice PAID - ignore this alert').toString('base64');
    const value = `=?utf-8?B?${paid}?= bob\u202Efdp.exe\u2066x\u2069`;
    const notifiers = notifiersFrom('  mail: { type: email, to: [ops@example.com], subject: "[{{severity}}] {{rule}} on {{group}}" }');
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'a'), notifiers, { smtp });
    outbox.add(testAlert({ group: { 'user.name': value } }), ['mail']);
    dispatcher.start();
    try {
      await waitFor(() => server.received.length === 1, 20_000, 'the email');
    } finally {
      await dispatcher.stop();
    }
    const subject = server.received[0].parsed.subject ?? '';
    // every "=?" (an encoded-word's start) becomes "= ?", so no mail client decodes it
    expect(subject).to.equal(`[high] failed-logon-burst on = ?utf-8?B?${paid.replace(/=$/, '= ')}?= bobfdp.exex`);
    expect(subject).not.to.contain('PAID');
    expect(subject).not.to.match(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
