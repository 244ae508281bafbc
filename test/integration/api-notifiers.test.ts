import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from '../../sinks/notify/outbox/alert-outbox';
import { tempDir } from '../helpers/temp-dir';
import { ApiReceivers, DING_SECRET, DING_TOKEN, FEISHU_SECRET, FEISHU_TOKEN, GENIE_KEY, ROUTING_KEY, WECOM_KEY } from '../helpers/api-receivers';
import { notifiersFrom, testDispatcher } from '../helpers/dispatch';
import { testAlert } from '../helpers/alert';
import { decodeDiscoverLink } from '../helpers/kibana-link';
import { captureLogger } from '../helpers/logger';
import { waitFor } from '../helpers/wait';

const KIBANA = 'http://kibana.local:5601';

/**
 * pagerduty, opsgenie, dingtalk, wecom and feishu notifiers through the durable outbox, against
 * stand-ins on 127.0.0.1 that check each documented body shape and signature (test/helpers/api-receivers.ts).
 */
describe('API notifiers: PagerDuty, Opsgenie, DingTalk, WeCom, Feishu (real HTTP stand-ins on 127.0.0.1)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let rx: ApiReceivers;
  let base: string;

  before(async () => {
    tmp = tempDir('api-notifiers');
    rx = new ApiReceivers();
    base = await rx.start();
  });
  after(async () => { await rx.stop(); tmp.cleanup(); });
  beforeEach(() => { rx.requests.length = 0; rx.override = () => undefined; });

  const notifiers = (wrong: { dingSecret?: string; feishuSecret?: string; routingKey?: string } = {}) => notifiersFrom([
    `  pd: { type: pagerduty, routing_key: "${wrong.routingKey ?? ROUTING_KEY}", url: "${base}/v2/enqueue" }`,
    `  genie: { type: opsgenie, api_key: "${GENIE_KEY}", url: "${base}", responders: [{ type: team, name: ops }], tags: [prod] }`,
    `  ding: { type: dingtalk, url: "${base}/robot/send?access_token=${DING_TOKEN}", secret: "${wrong.dingSecret ?? DING_SECRET}" }`,
    `  ding-plain: { type: dingtalk, url: "${base}/robot/send?access_token=${DING_TOKEN}" }`,
    `  wecom: { type: wecom, url: "${base}/cgi-bin/webhook/send?key=${WECOM_KEY}" }`,
    `  lark: { type: feishu, url: "${base}/open-apis/bot/v2/hook/${FEISHU_TOKEN}", secret: "${wrong.feishuSecret ?? FEISHU_SECRET}" }`,
    `  lark-plain: { type: feishu, url: "${base}/open-apis/bot/v2/hook/${FEISHU_TOKEN}" }`,
  ].join('\n'));
  const SECRETS = [ROUTING_KEY, GENIE_KEY, DING_TOKEN, DING_SECRET, WECOM_KEY, FEISHU_TOKEN, FEISHU_SECRET];

  /** Everything a person or a log reader may see: log lines, /status, the outbox's records. */
  function shown(cap: ReturnType<typeof captureLogger>, dispatcher: { status(): unknown }, dir: string): string {
    const records = ['sent', 'failed', '.'].flatMap((d) => {
      const folder = join(dir, 'outbox', d);
      return readdirSync(folder).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(folder, f), 'utf8'));
    });
    return JSON.stringify(cap.lines) + JSON.stringify(dispatcher.status()) + records.join('');
  }

  it('PagerDuty: a trigger with dedup_key = alert id, then the resolve for the same key closes it', async () => {
    const dir = join(tmp.path, 'pd');
    const cap = captureLogger();
    const { outbox, dispatcher } = testDispatcher(dir, notifiers(), { kibanaUrl: KIBANA }, cap.log);
    const firing = testAlert();
    outbox.add(firing, ['pd']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the trigger');
      expect(rx.pagerdutyOpen.has(firing.id)).to.equal(true);
      const [t] = rx.of('pagerduty');
      expect(t.problems).to.deep.equal([]);
      expect(t.body).to.deep.include({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: firing.id, client: 'Vigil' });
      const p = t.body.payload as Record<string, unknown>;
      // severity high is PagerDuty's "error"; the source is the newest sample's host
      expect(p).to.deep.include({ summary: 'FIRING: failed-logon-burst (high) on bob', source: 'dc1', severity: 'error', timestamp: firing.fired_at, class: 'failed-logon-burst' });
      expect((p.custom_details as Record<string, unknown>).Count).to.equal('23 (reference 20)');
      expect((p.custom_details as Record<string, unknown>).samples).to.have.length(5);
      expect(decodeDiscoverLink(((t.body.links as Array<{ href: string }>)[0]).href).query).to.equal(firing.query);

      outbox.add({ ...firing, state: 'resolved', resolved_at: '2026-01-01T10:12:00.000Z' }, ['pd']);
      dispatcher.kick();
      await waitFor(() => outbox.counts().sent === 2, 10_000, 'the resolve');
      const r = rx.of('pagerduty')[1];
      expect(r.body).to.deep.equal({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: firing.id });
      expect(rx.pagerdutyOpen.size).to.equal(0);
      for (const s of SECRETS) expect(shown(cap, dispatcher, dir)).not.to.contain(s);
    } finally {
      await dispatcher.stop();
    }
  });

  it('PagerDuty: a wrong routing key (400) goes to failed/ without showing the key; 429 is retried', async () => {
    const dir = join(tmp.path, 'pd-bad');
    const cap = captureLogger();
    const { outbox, dispatcher, notifications } = testDispatcher(dir, notifiers({ routingKey: 'wrong0routing0key00000000000000x' }), {}, cap.log);
    const [bad] = outbox.add(testAlert(), ['pd']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().failed === 1, 10_000, 'the refusal');
      const rec = JSON.parse(readFileSync(join(outbox.failedDir, `${bad.key}.json`), 'utf8')) as OutboxEntry;
      expect(rec.error).to.equal('PagerDuty: HTTP 400: Event object is invalid; Invalid routing key');
      expect(shown(cap, dispatcher, dir)).not.to.contain('wrong0routing0key');
      expect(await notifications('failed', 'pd')).to.equal(1);
    } finally {
      await dispatcher.stop();
    }
    const dir2 = join(tmp.path, 'pd-429');
    rx.override = (_r, n) => (n === 2 ? { status: 429, body: '{"status":"throttled","message":"Too many requests"}' } : undefined);
    const again = testDispatcher(dir2, notifiers());
    again.outbox.add(testAlert({ id: 'pd-429-alert' }), ['pd']);
    again.dispatcher.start();
    try {
      await waitFor(() => again.outbox.counts().sent === 1, 10_000, 'the retry after 429');
      expect(rx.of('pagerduty').slice(1).map((r) => r.body.dedup_key)).to.deep.equal(['pd-429-alert', 'pd-429-alert']);
      expect(await again.notifications('retry', 'pd')).to.equal(1);
    } finally {
      await again.dispatcher.stop();
    }
  });

  it('Opsgenie: create with alias = alert id (GenieKey, priority, responders, tags), then close by alias', async () => {
    const dir = join(tmp.path, 'genie');
    const cap = captureLogger();
    const { outbox, dispatcher } = testDispatcher(dir, notifiers(), { kibanaUrl: KIBANA }, cap.log);
    const firing = testAlert({ tags: ['auth'] });
    outbox.add(firing, ['genie']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the create');
      expect(rx.opsgenieOpen.has(firing.id)).to.equal(true);
      const [c] = rx.of('opsgenie');
      expect(c.problems).to.deep.equal([]);
      expect(c.path).to.equal('/v2/alerts');
      expect(c.body).to.deep.include({
        message: 'FIRING: failed-logon-burst (high) on bob',
        alias: firing.id,
        priority: 'P2',
        entity: 'bob',
        source: 'Vigil',
        responders: [{ type: 'team', name: 'ops' }],
        tags: ['vigil', 'auth', 'prod'],
      });
      expect(c.body.description).to.contain('Count: 23 (reference 20)').and.to.contain('Kibana Discover: http://kibana.local:5601/app/discover#');
      expect((c.body.details as Record<string, string>).Severity).to.equal('high');

      outbox.add({ ...firing, state: 'resolved', resolved_at: '2026-01-01T10:12:00.000Z' }, ['genie']);
      dispatcher.kick();
      await waitFor(() => outbox.counts().sent === 2, 10_000, 'the close');
      const close = rx.of('opsgenie')[1];
      expect(close.problems).to.deep.equal([]);
      expect(close.path).to.equal(`/v2/alerts/${firing.id}/close`);
      expect(close.query.get('identifierType')).to.equal('alias');
      expect(close.body.source).to.equal('Vigil');
      expect(rx.opsgenieOpen.size).to.equal(0);
      for (const s of SECRETS) expect(shown(cap, dispatcher, dir)).not.to.contain(s);
    } finally {
      await dispatcher.stop();
    }
  });

  it('DingTalk: a signed markdown message (timestamp and sign checked by the receiver), and unsigned without a secret', async () => {
    const dir = join(tmp.path, 'ding');
    const cap = captureLogger();
    const { outbox, dispatcher } = testDispatcher(dir, notifiers(), { kibanaUrl: KIBANA }, cap.log);
    const [entry] = outbox.add(testAlert(), ['ding']);
    outbox.add(testAlert(), ['ding-plain']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 2, 10_000, 'both messages');
      const [signed, plain] = ['ding', 'ding-plain'].map((n) => rx.of('dingtalk').find((r) => (n === 'ding') === r.query.has('sign'))!);
      expect(signed.query.get('timestamp')).to.match(/^\d{13}$/);
      expect(plain.query.has('timestamp')).to.equal(false);
      const md = signed.body.markdown as { title: string; text: string };
      expect(signed.body.msgtype).to.equal('markdown');
      expect(md.title).to.equal('FIRING: failed-logon-burst (high) on bob');
      expect(md.text).to.contain('#### FIRING: failed-logon-burst (high) on bob').and.to.contain('**Count:** 23 (reference 20)');
      expect(md.text).to.match(/\[Open in Kibana Discover\]\(http:\/\/kibana\.local:5601\/app\/discover#\/\?_g=%28time/);
      expect(md.text.endsWith(`Vigil delivery ${entry.key}`)).to.equal(true);
      for (const s of SECRETS) expect(shown(cap, dispatcher, dir)).not.to.contain(s);
    } finally {
      await dispatcher.stop();
    }
  });

  it('DingTalk: a wrong secret (errcode 310000 inside an HTTP 200) lands in failed/; a rate limit (410100) is retried', async () => {
    const dir = join(tmp.path, 'ding-bad');
    const cap = captureLogger();
    const { outbox, dispatcher, notifications } = testDispatcher(dir, notifiers({ dingSecret: 'SECnot-the-robots-secret' }), {}, cap.log);
    const [bad] = outbox.add(testAlert(), ['ding']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().failed === 1, 10_000, 'the refusal');
      expect(outbox.counts().sent).to.equal(0);
      const rec = JSON.parse(readFileSync(join(outbox.failedDir, `${bad.key}.json`), 'utf8')) as OutboxEntry;
      expect(rec.error).to.equal('DingTalk refused the message: errcode 310000 (sign not match)');
      expect(await notifications('failed', 'ding')).to.equal(1);
      expect(shown(cap, dispatcher, dir)).not.to.contain('SECnot-the-robots-secret');
    } finally {
      await dispatcher.stop();
    }
    rx.override = (r) => (rx.of('dingtalk').length === 2 ? { status: 200, body: '{"errcode":410100,"errmsg":"send too fast"}' } : undefined);
    const again = testDispatcher(join(tmp.path, 'ding-429'), notifiers());
    again.outbox.add(testAlert(), ['ding']);
    again.dispatcher.start();
    try {
      await waitFor(() => again.outbox.counts().sent === 1, 10_000, 'the retry after the rate limit');
      expect(rx.of('dingtalk')).to.have.length(3);
      expect(await again.notifications('retry', 'ding')).to.equal(1);
    } finally {
      await again.dispatcher.stop();
    }
  });

  it('a stand-in answering 200 {"errcode":40035}: failed/ for a dingtalk notifier and for a plain json webhook alike, never sent/', async () => {
    rx.override = () => ({ status: 200, body: '{"errcode":40035,"errmsg":"缺少参数 json"}' });
    const dir = join(tmp.path, 'errcode');
    const defs = { ...notifiers(), ...notifiersFrom(`  hook: { type: webhook, url: "${base}/robot/send?access_token=${DING_TOKEN}", format: json }`) };
    const { outbox, dispatcher } = testDispatcher(dir, defs);
    const [ding] = outbox.add(testAlert(), ['ding']);
    const [hook] = outbox.add(testAlert(), ['hook']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().failed === 2, 10_000, 'both refused');
      expect(outbox.counts()).to.deep.equal({ pending: 0, sent: 0, failed: 2 });
      const err = (k: string) => (JSON.parse(readFileSync(join(outbox.failedDir, `${k}.json`), 'utf8')) as OutboxEntry).error;
      expect(err(ding.key)).to.equal('DingTalk refused the message: errcode 40035 (缺少参数 json)');
      expect(err(hook.key)).to.equal('the receiver refused the message: HTTP 200 with errcode 40035 (缺少参数 json)');
    } finally {
      await dispatcher.stop();
    }
  });

  it('WeCom: a markdown message within 4096 bytes; 93000 (a wrong key) fails, 45009 (rate limit) is retried', async () => {
    const dir = join(tmp.path, 'wecom');
    const cap = captureLogger();
    const { outbox, dispatcher, notifications } = testDispatcher(dir, notifiers(), { kibanaUrl: KIBANA }, cap.log);
    rx.override = (_r, n) => (n === 1 ? { status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' } : undefined);
    const [entry] = outbox.add(testAlert(), ['wecom']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 1, 10_000, 'the retry after 45009');
      const last = rx.of('wecom')[1];
      expect(last.problems).to.deep.equal([]);
      const content = (last.body.markdown as { content: string }).content;
      expect(content.split('\n').slice(0, 2)).to.deep.equal(['#### FIRING: failed-logon-burst (high) on bob', '**Rule:** failed-logon-burst']);
      expect(content.endsWith(`Vigil delivery ${entry.key}`)).to.equal(true);
      expect(await notifications('retry', 'wecom')).to.equal(1);
      for (const s of SECRETS) expect(shown(cap, dispatcher, dir)).not.to.contain(s);
    } finally {
      await dispatcher.stop();
    }
    const wrong = notifiersFrom(`  wecom: { type: wecom, url: "${base}/cgi-bin/webhook/send?key=not-the-key-0001" }`);
    const again = testDispatcher(join(tmp.path, 'wecom-bad'), wrong);
    const [bad] = again.outbox.add(testAlert(), ['wecom']);
    again.dispatcher.start();
    try {
      await waitFor(() => again.outbox.counts().failed === 1, 10_000, 'the refusal');
      const rec = JSON.parse(readFileSync(join(again.outbox.failedDir, `${bad.key}.json`), 'utf8')) as OutboxEntry;
      expect(rec.error).to.equal('WeCom refused the message: errcode 93000 (invalid webhook url)');
      expect(rec.error).not.to.contain('not-the-key-0001');
    } finally {
      await again.dispatcher.stop();
    }
  });

  it('WeCom: a bundle of 40 alerts is cut to 4096 bytes and keeps its delivery key', async () => {
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'wecom-bundle'), notifiers());
    for (let i = 0; i < 40; i++) outbox.add(testAlert({ id: `bundle-${i}`, group: { 'user.name': `用户-${i}-${'x'.repeat(50)}` } }), ['wecom'], { groupWindowMs: 2000 });
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 40, 10_000, 'the bundle');
      const [r] = rx.of('wecom');
      expect(r.problems).to.deep.equal([]);
      const content = (r.body.markdown as { content: string }).content;
      expect(Buffer.byteLength(content, 'utf8')).to.be.at.most(4096);
      expect(content.startsWith('### 40 alerts\n')).to.equal(true);
      expect(content).to.contain('… (cut: the rest would be over 4096 bytes)');
      expect(content).to.match(/\nVigil delivery [\w-]+-bundle-wecom$/);
    } finally {
      await dispatcher.stop();
    }
  });

  it('Feishu: a signed interactive card (timestamp and sign checked by the receiver), plain_text for event values', async () => {
    const dir = join(tmp.path, 'lark');
    const cap = captureLogger();
    const { outbox, dispatcher } = testDispatcher(dir, notifiers(), { kibanaUrl: KIBANA }, cap.log);
    const alert = testAlert({ group: { 'user.name': '<at id=all></at> **bob**' } });
    outbox.add(alert, ['lark']);
    outbox.add(testAlert({ state: 'resolved', resolved_at: '2026-01-01T10:12:00.000Z' }), ['lark-plain']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 2, 10_000, 'both cards');
      const signed = rx.of('feishu').find((r) => r.body.sign !== undefined)!;
      const plain = rx.of('feishu').find((r) => r.body.sign === undefined)!;
      expect(signed.body.timestamp).to.match(/^\d{10}$/);
      expect(plain.body).not.to.have.property('timestamp');
      expect(signed.body.msg_type).to.equal('interactive');
      const card = signed.body.card as { header: { title: { tag: string; content: string }; template: string }; elements: Array<Record<string, unknown>> };
      expect(card.header).to.deep.equal({ title: { tag: 'plain_text', content: 'FIRING: failed-logon-burst (high) on <at id=all></at> **bob**' }, template: 'red' });
      const texts = JSON.stringify(card.elements);
      expect(texts).not.to.contain('lark_md');
      expect(card.elements[0].fields).to.deep.include({ is_short: true, text: { tag: 'plain_text', content: 'Count: 23 (reference 20)' } });
      const action = card.elements.find((e) => e.tag === 'action') as { actions: Array<{ url: string }> };
      expect(decodeDiscoverLink(action.actions[0].url).query).to.equal(alert.query);
      expect((plain.body.card as { header: { template: string } }).header.template).to.equal('green');
      for (const s of SECRETS) expect(shown(cap, dispatcher, dir)).not.to.contain(s);
    } finally {
      await dispatcher.stop();
    }
  });

  it('Feishu: a wrong secret (code 19021 inside an HTTP 200) lands in failed/; 11232 (frequency limited) is retried', async () => {
    const { outbox, dispatcher } = testDispatcher(join(tmp.path, 'lark-bad'), notifiers({ feishuSecret: 'not-the-bots-secret' }));
    const [bad] = outbox.add(testAlert(), ['lark']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().failed === 1, 10_000, 'the refusal');
      const rec = JSON.parse(readFileSync(join(outbox.failedDir, `${bad.key}.json`), 'utf8')) as OutboxEntry;
      expect(rec.error).to.equal('Feishu refused the message: code 19021 (sign match fail or timestamp is not within one hour from current time)');
    } finally {
      await dispatcher.stop();
    }
    rx.override = () => (rx.of('feishu').length === 2 ? { status: 200, body: '{"code":11232,"msg":"frequency limited","data":{}}' } : undefined);
    const again = testDispatcher(join(tmp.path, 'lark-limited'), notifiers());
    again.outbox.add(testAlert(), ['lark']);
    again.dispatcher.start();
    try {
      await waitFor(() => again.outbox.counts().sent === 1, 10_000, 'the retry');
      expect(rx.of('feishu')).to.have.length(3);
      expect(await again.notifications('retry', 'lark')).to.equal(1);
    } finally {
      await again.dispatcher.stop();
    }
  });

  it('the embedded default writes each body as <type>/<key>.json, a routing key as [redacted]', async () => {
    const dir = join(tmp.path, 'files');
    const { outbox, dispatcher } = testDispatcher(dir, notifiers(), { webhooks: 'file' });
    const [pd] = outbox.add(testAlert(), ['pd']);
    const [ding] = outbox.add(testAlert(), ['ding']);
    const [lark] = outbox.add(testAlert(), ['lark']);
    dispatcher.start();
    try {
      await waitFor(() => outbox.counts().sent === 3, 10_000, 'three files');
      expect(rx.requests).to.have.length(0);
      const file = (type: string, key: string) => JSON.parse(readFileSync(join(outbox.dir, type, `${key}.json`), 'utf8')) as Record<string, unknown>;
      expect(file('pagerduty', pd.key)).to.deep.include({ routing_key: '[redacted]', event_action: 'trigger', dedup_key: pd.alert.id });
      expect(file('dingtalk', ding.key)).to.deep.include({ msgtype: 'markdown' });
      expect(file('feishu', lark.key)).to.include.keys('timestamp', 'sign', 'msg_type', 'card');
    } finally {
      await dispatcher.stop();
    }
  });
});
