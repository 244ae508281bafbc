import { expect } from 'chai';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { Client } from '@elastic/elasticsearch';
import type { Alert } from '../../rules/alerts/alert';
import type { WebhookNotifierDef } from '../../rules';
import { HttpWebhookDelivery } from '../../sinks/notify/webhook/send-webhook';
import type { Delivery, Notification } from '../../sinks/notify/outbox/delivery';
import { AlertHistoryWriter } from '../../sinks/elasticsearch/alerts/alert-history-writer';
import { DeliveryLedger } from '../../sinks/elasticsearch/alerts/delivery-ledger';
import { FleetDeliveryDispatcher } from '../../sinks/elasticsearch/alerts/fleet-delivery-dispatcher';
import { readLastNotified, readOpenAlerts } from '../../sinks/elasticsearch/alerts/open-alerts';
import { ALERTS_DATA_STREAM, DELIVERIES_INDEX, setupAlertsTargets } from '../../sinks/elasticsearch/alerts/alerts-targets';
import { outboxKey } from '../../sinks/notify/outbox/alert-outbox';
import type { FencedRecord } from '../../sinks/elasticsearch/alerts/delivery-record';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { testAlert } from '../helpers/alert';
import { testLogger } from '../helpers/logger';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { WebhookTestServer } from '../helpers/webhook-test-server';
import { waitFor, sleep } from '../helpers/wait';
import { testEsUrl, es, countDocs } from '../helpers/es';

/** An alert with an id and rule of its own (the data stream and the deliveries index are shared). */
function freshAlert(over: Partial<Alert> = {}): Alert {
  const tag = randomBytes(6).toString('hex');
  return testAlert({ id: `t${tag}`, rule: `alerts-es-${tag}`, notify: ['hook'], ...over });
}

function hookDef(port: number): WebhookNotifierDef {
  return { name: 'hook', type: 'webhook', url: `http://127.0.0.1:${port}/hook`, format: 'json', method: 'POST', headers: {}, timeout_ms: 5000, line: 1, col: 1 };
}

/** Requests by idempotency key, and the distinct bodies sent under each. */
function byKey(server: WebhookTestServer): Map<string, { requests: number; bodies: Set<string> }> {
  const out = new Map<string, { requests: number; bodies: Set<string> }>();
  for (const r of server.requests) {
    const k = String(r.headers['x-vigil-delivery']);
    const e = out.get(k) ?? { requests: 0, bodies: new Set<string>() };
    e.requests++;
    e.bodies.add(r.body.toString('utf8'));
    out.set(k, e);
  }
  return out;
}

/** A runner that dies at a chosen point of a send: the real sender, then (or instead) a send that never ends. */
class DyingDelivery implements Delivery {
  readonly kind = 'http';
  constructor(private inner: Delivery, private dieBeforeReceiver: boolean) {}
  async deliver(n: Notification, signal: AbortSignal): Promise<string> {
    if (!this.dieBeforeReceiver) await this.inner.deliver(n, signal);
    return new Promise<string>(() => undefined); // the process is gone: nothing is recorded after this point
  }
}

/** A TCP proxy in front of the test Elasticsearch that can refuse connections (an outage) and come back. */
class OutageProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;
  async up(): Promise<void> {
    const target = new URL(testEsUrl());
    this.server = createServer((c) => {
      const s = createConnection({ host: target.hostname, port: Number(target.port) });
      this.sockets.add(c).add(s);
      c.pipe(s).pipe(c);
      const close = (): void => { c.destroy(); s.destroy(); this.sockets.delete(c); this.sockets.delete(s); };
      c.on('error', close).on('close', close);
      s.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

async function deliveryRecord(key: string): Promise<any> {
  const r = await es('GET', `/${DELIVERIES_INDEX}/_doc/${encodeURIComponent(key)}`);
  return r.body._source;
}

async function changeDocs(changeId: string): Promise<number> {
  return countDocs(ALERTS_DATA_STREAM, { term: { 'vigil.alert.change_id': changeId } });
}

describe('Alerts in Elasticsearch: written once, delivered once across runners (real server)', function () {
  this.timeout(120_000);
  const log = testLogger();
  let client: Client;
  const receiver = new WebhookTestServer();
  let port = 0;
  const stops: Array<() => Promise<void>> = [];

  before(async () => {
    client = new Client({ node: testEsUrl(), maxRetries: 0 });
    port = await receiver.start();
  });
  afterEach(async () => { for (const s of stops.splice(0)) await s(); });
  after(async () => { await receiver.stop(); await client.close(); });

  function writer(over: Partial<ConstructorParameters<typeof AlertHistoryWriter>[0]> = {}): AlertHistoryWriter {
    const w = new AlertHistoryWriter({ client, observer: 'runner', deliveries: true, log, backoffBaseMs: 100, backoffMaxMs: 500, ...over });
    stops.push(() => w.stop());
    return w;
  }

  function runner(owner: string, opts: { leaseMs?: number; dying?: 'after-receiver' | 'before-receiver'; client?: Client; fenceFor?: (rule: string) => number | undefined; rules?: () => string[] } = {}): FleetDeliveryDispatcher {
    const real = new HttpWebhookDelivery(hookDef(port));
    const delivery = opts.dying ? new DyingDelivery(real, opts.dying === 'before-receiver') : real;
    const d = new FleetDeliveryDispatcher({ ledger: new DeliveryLedger(opts.client ?? client), owner, deliveryFor: (n) => (n === 'hook' ? delivery : undefined), log, leaseMs: opts.leaseMs ?? 1500, pollMs: 200, backoffBaseMs: 100, backoffMaxMs: 500, fenceFor: opts.fenceFor, rules: opts.rules });
    stops.push(() => d.stop());
    return d;
  }

  it('the same alert change written twice (two runners) is one document and one delivery record per notifier', async () => {
    const a = freshAlert({ notify: ['hook', 'mail'] });
    const w1 = writer({ observer: 'runner-1' });
    const w2 = writer({ observer: 'runner-2' });
    w1.record(a);
    expect(await w1.drained(20_000)).to.equal(true);
    w2.record(a);
    w1.record({ ...a }); // already written: the same id again
    expect(await w2.drained(20_000)).to.equal(true);
    expect(await w1.drained(20_000)).to.equal(true);
    expect(await changeDocs(`${a.id}-firing`)).to.equal(1);
    expect(w1.written + w2.written).to.equal(1);
    expect(w1.duplicates + w2.duplicates).to.equal(2);
    expect(await countDocs(DELIVERIES_INDEX, { term: { alert_id: a.id } })).to.equal(2);
    // its resolved change is a document of its own
    w2.record({ ...a, state: 'resolved', resolved_at: '2026-01-01T10:20:00.000Z' });
    expect(await w2.drained(20_000)).to.equal(true);
    expect(await changeDocs(`${a.id}-resolved`)).to.equal(1);
    const doc = (await es('POST', `/${ALERTS_DATA_STREAM}/_search`, { query: { term: { 'vigil.alert.change_id': `${a.id}-resolved` } } })).body.hits.hits[0];
    expect(doc._index).to.match(/^\.ds-logs-vigil\.alerts-default-/);
    expect(doc._source.host.name).to.equal('dc1');
    expect(doc._source.vigil.alert).to.include({ rule: a.rule, state: 'resolved', severity: 'high', count: 23, query: a.query });
    // mapped by the template: the group value is a keyword, the times are dates
    const hit = await countDocs(ALERTS_DATA_STREAM, { bool: { filter: [{ term: { 'vigil.alert.group_values': 'winlog.event_data.TargetUserName=bob' } }, { term: { 'vigil.alert.rule': a.rule } }, { range: { 'vigil.alert.fired_at': { gte: '2026-01-01T10:00:00Z', lt: '2026-01-01T11:00:00Z' } } }] } });
    expect(hit).to.equal(2);
  });

  for (const c of [
    { name: 'after the receiver took it, before recording sent', dying: 'after-receiver' as const, seen: 'sending', requests: 2, attempts: 2 },
    { name: 'while sending, before the receiver got it', dying: 'before-receiver' as const, seen: 'sending', requests: 1, attempts: 2 },
  ]) {
    it(`a runner dying ${c.name}: the next runner finishes it after the lease; the receiver sees one key and one body`, async () => {
      const a = freshAlert();
      const key = outboxKey(a, 'hook');
      const w = writer();
      w.record(a);
      expect(await w.drained(20_000)).to.equal(true);
      // runner A reaches Elasticsearch through a proxy: closing it for good is A's death, as the cluster sees it
      const proxy = new OutageProxy();
      await proxy.up();
      const viaProxy = new Client({ node: `http://127.0.0.1:${proxy.port}`, maxRetries: 0, requestTimeout: 3000 });
      stops.push(async () => { await proxy.down(); await viaProxy.close(); });
      const A = runner('runner-A', { dying: c.dying, client: viaProxy });
      void A.deliverOne(key);
      await waitFor(async () => (await deliveryRecord(key))?.status === 'sending', 10_000, 'A to record sending');
      if (c.dying === 'after-receiver') await waitFor(() => byKey(receiver).get(key)?.requests === 1, 10_000, 'the receiver to get it from A');
      await proxy.down(); // A is dead: it renews and records nothing more
      const B = runner('runner-B');
      expect(await B.deliverOne(key)).to.equal('owned-by-other'); // A's lease still holds
      await sleep(1600);
      expect(await B.deliverOne(key)).to.equal('sent');
      expect(await B.deliverOne(key)).to.equal('done-already');
      const got = byKey(receiver).get(key)!;
      expect(got.requests).to.equal(c.requests);
      expect(got.bodies.size).to.equal(1);
      const rec = await deliveryRecord(key);
      expect(rec).to.include({ status: 'sent', sent_by: 'runner-B', attempts: c.attempts });
      expect(rec.takeovers).to.have.length(1);
      expect(rec.takeovers[0]).to.include({ from: 'runner-A', by: 'runner-B', seen: c.seen });
    });
  }

  it('a runner dying after its claim, before sending: the next runner sends it once and the record says nothing was sent before', async () => {
    const a = freshAlert();
    const key = outboxKey(a, 'hook');
    const w = writer();
    w.record(a);
    expect(await w.drained(20_000)).to.equal(true);
    const A = runner('runner-A');
    const claimed = await A.claim(key);
    expect((claimed as FencedRecord).rec.status).to.equal('claimed'); // and A is gone
    const B = runner('runner-B');
    expect(await B.deliverOne(key)).to.equal('owned-by-other');
    await sleep(1600);
    expect(await B.deliverOne(key)).to.equal('sent');
    expect(byKey(receiver).get(key)?.requests).to.equal(1);
    const rec = await deliveryRecord(key);
    expect(rec).to.include({ status: 'sent', sent_by: 'runner-B', attempts: 1 });
    expect(rec.takeovers[0]).to.include({ from: 'runner-A', seen: 'claimed' });
  });

  it('a send slower than the lease keeps its claim (the lease is renewed while sending): no other runner repeats it', async () => {
    const a = freshAlert();
    const key = outboxKey(a, 'hook');
    const w = writer();
    w.record(a);
    expect(await w.drained(20_000)).to.equal(true);
    let slowRequests = 0;
    const slow = createHttpServer((req, res) => {
      slowRequests++;
      req.resume();
      setTimeout(() => res.writeHead(200).end('ok'), 3000);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const slowPort = (slow.address() as { port: number }).port;
    try {
      const delivery = new HttpWebhookDelivery(hookDef(slowPort));
      const ledger = new DeliveryLedger(client);
      const mk = (owner: string): FleetDeliveryDispatcher => new FleetDeliveryDispatcher({ ledger, owner, deliveryFor: () => delivery, log, leaseMs: 900 });
      const A = mk('runner-A');
      const B = mk('runner-B');
      const sendingA = A.deliverOne(key);
      await waitFor(async () => (await deliveryRecord(key))?.status === 'sending', 10_000, 'A to record sending');
      const seenByB: string[] = [];
      const t0 = Date.now();
      while (Date.now() - t0 < 3500) {
        seenByB.push(await B.deliverOne(key));
        await sleep(200);
      }
      expect(await sendingA).to.equal('sent');
      // B never sends: it finds the record owned, then sent
      expect(seenByB.filter((o) => !['owned-by-other', 'done-already'].includes(o)), seenByB.join(', ')).to.deep.equal([]);
      expect(slowRequests).to.equal(1);
      expect(await deliveryRecord(key)).to.include({ status: 'sent', sent_by: 'runner-A', attempts: 1 });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('two runners racing for the same deliveries: each is sent by one of them, once', async () => {
    const w = writer();
    const alerts = Array.from({ length: 15 }, () => freshAlert());
    for (const a of alerts) w.record(a);
    expect(await w.drained(20_000)).to.equal(true);
    const A = runner('runner-A', { leaseMs: 30_000 });
    const B = runner('runner-B', { leaseMs: 30_000 });
    for (const a of alerts) {
      const key = outboxKey(a, 'hook');
      const outcomes = await Promise.all([A.deliverOne(key), B.deliverOne(key)]);
      expect(outcomes.filter((o) => o === 'sent'), `${key}: ${outcomes.join(', ')}`).to.have.length(1);
      expect(outcomes.filter((o) => o !== 'sent').every((o) => ['lost-race', 'owned-by-other', 'done-already'].includes(o)), outcomes.join(', ')).to.equal(true);
      expect(byKey(receiver).get(key)?.requests).to.equal(1);
    }
  });

  it('fleet runners: only the rule\'s owner claims its records, never a former owner (a lower fencing token), and the owner\'s polls look for its rules\' records only', async () => {
    const w = writer();
    const a = freshAlert();
    w.record(a, { fence: 3 });
    expect(await w.drained(20_000)).to.equal(true);
    const key = outboxKey(a, 'hook');
    const ledger = new DeliveryLedger(client);
    expect((await ledger.get(key))!.rec.fence).to.equal(3);
    // a runner that does not own the rule, then one that owned it before (token 2): both leave it
    expect(await runner('not-owner', { fenceFor: () => undefined }).deliverOne(key)).to.equal('not-owner');
    expect(await runner('former-owner', { fenceFor: () => 2 }).deliverOne(key)).to.equal('fenced-out');
    expect(byKey(receiver).get(key)).to.equal(undefined);
    expect((await ledger.get(key))!.rec.status).to.equal('pending');
    // a runner polling for other rules' records does not see it; the owner (token 4, a later takeover) sends it
    await es('POST', `/${DELIVERIES_INDEX}/_refresh`);
    expect(await ledger.due(Date.now(), 200, ['some-other-rule'])).to.not.include(key);
    expect(await ledger.due(Date.now(), 200, [a.rule])).to.include(key);
    expect(await runner('owner', { fenceFor: (rule) => (rule === a.rule ? 4 : undefined) }).deliverOne(key)).to.equal('sent');
    const done = (await ledger.get(key))!.rec;
    expect([done.status, done.fence, done.sent_by]).to.deep.equal(['sent', 4, 'owner']);
    expect(byKey(receiver).get(key)?.requests).to.equal(1);
  });

  it('an older template\'s alerts data stream gets the new fields when the template is updated (its mapping is not dynamic)', async () => {
    // as an older vigil left it: the template without vigil.alert.fleet, and a stream made from it
    const got = await es('GET', '/_index_template/vigil-alerts');
    const current = (got.body as { index_templates: Array<{ index_template: Record<string, any> }> }).index_templates[0].index_template;
    const old = JSON.parse(JSON.stringify(current));
    delete old.template.mappings.properties.vigil.properties.alert.properties.fleet;
    old._meta.template_version = 1;
    await es('PUT', '/_index_template/vigil-alerts', old);
    const stream = `logs-vigil.alerts-upgrade${randomBytes(3).toString('hex')}`;
    await es('POST', `/${stream}/_doc?refresh=true`, { '@timestamp': '2026-01-01T00:00:00Z', vigil: { alert: { rule: 'r', fleet: 'f' } } });
    const fleetType = async () => {
      const m = (await es('GET', `/${stream}/_mapping`)).body as Record<string, { mappings: any }>;
      return Object.values(m)[0].mappings.properties.vigil.properties.alert.properties.fleet?.type;
    };
    expect(await fleetType()).to.equal(undefined);
    expect(await setupAlertsTargets(client)).to.include('added the new fields of template vigil-alerts to its existing indices');
    expect(await fleetType()).to.equal('keyword');
  });

  it('a rule\'s open alerts (fired, not resolved) as a runner taking the rule over reads them from the alert history', async () => {
    const w = writer({ fleet: 'fleet-a' });
    const rule = `alerts-es-open-${randomBytes(4).toString('hex')}`;
    const closed = freshAlert({ rule, groupKey: '["alice"]' });
    const open = freshAlert({ rule, groupKey: '["bob"]', count: 31 });
    const silenced = freshAlert({ rule, groupKey: '["carol"]' });
    w.record(closed);
    w.record({ ...closed, state: 'resolved', resolved_at: '2026-01-01T10:20:00.000Z' });
    w.record(open);
    w.record(silenced, { silenced: true });
    w.record(freshAlert({ groupKey: '["bob"]' })); // another rule's
    // the same rule id in another fleet sharing the cluster, and on an agent (no fleet): not this fleet's
    const other = writer({ fleet: 'fleet-b' });
    other.record(freshAlert({ rule, groupKey: '["dave"]' }));
    const agent = writer({ deliveries: false });
    agent.record(freshAlert({ rule, groupKey: '["erin"]' }));
    expect(await w.drained(20_000)).to.equal(true);
    expect(await other.drained(20_000)).to.equal(true);
    expect(await agent.drained(20_000)).to.equal(true);
    const got = (await readOpenAlerts(client, rule, 'fleet-a')).sort((x, y) => x.groupKey.localeCompare(y.groupKey));
    expect(got.map((o) => [o.id, o.groupKey, o.sent, o.firedAt, o.shown.count, o.shown.window])).to.deep.equal([
      [open.id, '["bob"]', true, Date.parse(open.fired_at), 31, open.window],
      [silenced.id, '["carol"]', false, Date.parse(silenced.fired_at), silenced.count, silenced.window],
    ]);
    expect(got[0].shown.samples).to.have.length(10);
  });

  it('when a rule\'s groups were last notified, within a span of event time, as a takeover reads it for realert', async () => {
    const w = writer({ fleet: 'fleet-a' });
    const rule = `alerts-es-notified-${randomBytes(4).toString('hex')}`;
    const at = (min: number): string => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
    const fired = (group: string, min: number) => freshAlert({ rule, groupKey: `["${group}"]`, fired_at: at(min) });
    w.record(fired('alice', 5));
    w.record(fired('alice', 20));                                  // alice's newest notified in the span
    w.record(fired('alice', 40), { notify: false });               // held back by realert: not a notification
    w.record(fired('bob', 10), { silenced: true });                // silenced: not a notification
    w.record(fired('carol', 50));                                  // after the span
    w.record(fired('dave', 1));                                    // before it
    w.record({ ...fired('erin', 30), state: 'resolved', resolved_at: at(31) });
    const other = writer({ fleet: 'fleet-b' });
    other.record(fired('frank', 20));                              // another fleet's
    expect(await w.drained(20_000)).to.equal(true);
    expect(await other.drained(20_000)).to.equal(true);
    const got = await readLastNotified(client, rule, 'fleet-a', Date.UTC(2026, 0, 1, 10, 2), Date.UTC(2026, 0, 1, 10, 45));
    expect(got).to.deep.equal([{ groupKey: '["alice"]', at: Date.UTC(2026, 0, 1, 10, 20) }]);
  });

  it('two live runners polling the deliveries send every alert exactly once', async () => {
    const A = runner('runner-A', { leaseMs: 30_000 });
    const B = runner('runner-B', { leaseMs: 30_000 });
    const wA = writer({ onWritten: (keys) => A.kick(keys) });
    const wB = writer({ onWritten: (keys) => B.kick(keys) });
    A.start();
    B.start();
    const alerts = Array.from({ length: 20 }, () => freshAlert());
    // both runners see every change (as two runners of one rule would during a takeover)
    for (const a of alerts) { wA.record(a); wB.record(a); }
    const keys = alerts.map((a) => outboxKey(a, 'hook'));
    await waitFor(() => keys.every((k) => byKey(receiver).has(k)), 30_000, 'every alert delivered');
    await sleep(2500); // a second poll of both runners: nothing more goes out
    for (const k of keys) expect(byKey(receiver).get(k)?.requests, k).to.equal(1);
    for (const a of alerts) expect(await changeDocs(`${a.id}-firing`)).to.equal(1);
  });

  it('an Elasticsearch outage: alert changes wait (spooled, across a restart), then are written and delivered once', async () => {
    const tmp = tempDir('alerts-es-outage');
    const proxy = new OutageProxy();
    await proxy.up();
    const viaProxy = new Client({ node: `http://127.0.0.1:${proxy.port}`, maxRetries: 0, requestTimeout: 3000 });
    try {
      await proxy.down(); // the outage begins
      const spoolDir = join(tmp.path, 'alerts-es');
      const w1 = writer({ client: viaProxy, spoolDir });
      w1.start();
      const alerts = Array.from({ length: 5 }, () => freshAlert());
      for (const a of alerts) w1.record(a);
      await waitFor(() => w1.lastError !== undefined, 10_000, 'a failed write');
      expect(w1.waiting).to.equal(5);
      await w1.stop(); // the runner stops during the outage; its changes are in the spool
      const A = runner('runner-A', { leaseMs: 30_000 });
      const w2 = writer({ client: viaProxy, spoolDir, onWritten: (keys) => A.kick(keys) });
      expect(w2.waiting).to.equal(5);
      w2.start();
      await sleep(1000);
      expect(w2.waiting).to.equal(5);
      await proxy.up(); // Elasticsearch is back
      expect(await w2.drained(30_000)).to.equal(true);
      const keys = alerts.map((a) => outboxKey(a, 'hook'));
      await waitFor(() => keys.every((k) => byKey(receiver).has(k)), 30_000, 'every alert delivered');
      for (const a of alerts) expect(await changeDocs(`${a.id}-firing`)).to.equal(1);
      for (const k of keys) expect(byKey(receiver).get(k)?.requests).to.equal(1);
      expect(w2.written).to.equal(5);
    } finally {
      await viaProxy.close();
      await proxy.down();
      tmp.cleanup();
    }
  });

  it('an agent with elasticsearch.alerts_data_stream writes its alerts there (and still delivers them itself)', async () => {
    const tmp = tempDir('alerts-es-agent');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    const rule = `agent-${randomBytes(5).toString('hex')}`;
    writeFileSync(join(tmp.path, 'rules.yaml'), `rules:\n  - id: ${rule}\n    type: pattern\n    where: 'event.code: ZZ9'\n    group_by: [host.name]\n`);
    const target = `logs-vigil-alertsagent-${Date.now().toString(36)}`;
    const cfg = testConfig(tmp.path, [join(logDir, '*.ndjson')], {}, {
      host_name: 'agent-7',
      elasticsearch: {
        hosts: [testEsUrl()], data_stream: target, batch_size: 1000, batch_bytes: 5 * 1024 * 1024, flush_interval_ms: 200,
        max_inflight_requests: 2, request_timeout_ms: 30_000, spool_max_bytes: 1024 * 1024 * 1024, spool_segment_bytes: 8 * 1024 * 1024,
        alerts_data_stream: true,
      },
    });
    const metrics = new Metrics();
    const daemon = new Daemon(cfg, { log, metrics });
    try {
      await daemon.start();
      appendFileSync(join(logDir, 'app.ndjson'), `${JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'boom', event: { code: 'ZZ9' } })}\n`);
      await waitFor(async () => (await countDocs(ALERTS_DATA_STREAM, { term: { 'vigil.alert.rule': rule } })) === 1, 30_000, 'the alert document');
      const hit = (await es('POST', `/${ALERTS_DATA_STREAM}/_search`, { query: { term: { 'vigil.alert.rule': rule } } })).body.hits.hits[0];
      expect(hit._source.host.name).to.equal('agent-7');
      expect(hit._source.observer.name).to.equal('agent-7');
      expect(hit._source.vigil.alert).to.include({ state: 'firing', count: 1 });
      // an agent's history has no delivery records: its local outbox delivers
      expect(await countDocs(DELIVERIES_INDEX, { term: { rule } })).to.equal(0);
      const writes = (await metrics.alertHistoryWrites.get()).values;
      expect(writes.find((v) => v.labels.outcome === 'written')?.value).to.equal(1);
      expect((daemon.status() as any).alert_history).to.include({ waiting: 0, written: 1 });
    } finally {
      await daemon.stop();
      await es('DELETE', `/_data_stream/${target}`);
      await es('DELETE', `/_index_template/vigil-${target}`);
      tmp.cleanup();
    }
  });
});
