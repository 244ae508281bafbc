import { strict as assert } from 'node:assert';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@elastic/elasticsearch';
import { Registry } from 'prom-client';
import { FleetLeaseManager } from '../../src/runtime/fleet';
import { es, testEsUrl } from '../helpers/es';
import { dropIndex, OwnershipSampler, ruleIds, testEsClient, uniqueLeaseIndex } from '../helpers/fleet';
import { sleep, waitFor } from '../helpers/wait';

const LEASE_MS = 3000;

describe('fleet leases in one process (the shared Elasticsearch)', () => {
  let client: Client;
  let index: string;
  before(() => { client = testEsClient(); });
  let managers: FleetLeaseManager[] = [];

  function manager(member: string, rules: string[], registry?: Registry): FleetLeaseManager {
    const m = new FleetLeaseManager({ client, rules, memberId: member, registry, options: { index, fleet: 'f1', lease_ms: LEASE_MS } });
    managers.push(m);
    return m;
  }
  const owners = () => managers.map((m) => ({ name: m.member, owned: () => m.owned() }));
  function allOwnedOnce(rules: string[]): boolean {
    const counts = new Map<string, number>();
    for (const m of managers) for (const r of m.owned()) counts.set(r, (counts.get(r) ?? 0) + 1);
    return rules.every((r) => counts.get(r) === 1) && counts.size === rules.length;
  }

  beforeEach(() => { index = uniqueLeaseIndex('inproc'); managers = []; });
  afterEach(async () => {
    await Promise.all(managers.map((m) => m.stop()));
    await dropIndex(index);
  });

  it('two managers: every rule owned by exactly one, never by both, and nothing moves once settled', async () => {
    const rules = ruleIds(12);
    const sampler = new OwnershipSampler(owners).start();
    const a = manager('a', rules);
    const b = manager('b', rules);
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => allOwnedOnce(rules), 4 * LEASE_MS, 'every rule owned by exactly one of two');
    assert.ok(a.owned().size > 0 && b.owned().size > 0, `both own rules (a ${a.owned().size}, b ${b.owned().size})`);
    let moves = 0;
    for (const m of managers) { m.on('acquired', () => moves++); m.on('lost', () => moves++); }
    await sleep(2 * LEASE_MS);
    sampler.stop();
    assert.equal(moves, 0, 'no lease changed hands while both were alive and settled');
    assert.ok(allOwnedOnce(rules));
    assert.deepEqual(sampler.overlaps, [], 'no rule owned by two at once');
    assert.ok(sampler.samples > 100);
  });

  it('three managers spread 30 rules (none owns more than 15), a third joining takes its share without any overlap', async () => {
    const rules = ruleIds(30);
    const sampler = new OwnershipSampler(owners).start();
    const a = manager('a', rules);
    const b = manager('b', rules);
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => allOwnedOnce(rules), 4 * LEASE_MS, 'every rule owned once by two');
    const c = manager('c', rules);
    await c.start();
    await waitFor(() => allOwnedOnce(rules) && c.owned().size > 0, 4 * LEASE_MS, 'the third member owning its share');
    await sleep(LEASE_MS);
    sampler.stop();
    const sizes = managers.map((m) => m.owned().size);
    assert.ok(allOwnedOnce(rules), `every rule owned once (${sizes})`);
    assert.ok(sizes.every((n) => n >= 1 && n <= 15), `owned counts ${sizes}`);
    assert.deepEqual(sampler.overlaps, []);
  });

  it('stop() releases: the other member owns the rules well within the lease time', async () => {
    const rules = ruleIds(8);
    const a = manager('a', rules);
    const b = manager('b', rules);
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => allOwnedOnce(rules), 4 * LEASE_MS, 'every rule owned once');
    const sampler = new OwnershipSampler(owners).start();
    const t0 = Date.now();
    await a.stop();
    assert.equal(a.owned().size, 0);
    await waitFor(() => b.owned().size === rules.length, 2 * LEASE_MS, 'b owning every rule');
    const took = Date.now() - t0;
    sampler.stop();
    assert.ok(took <= LEASE_MS, `released rules moved in ${took} ms`);
    assert.deepEqual(sampler.overlaps, []);
  });

  it('rules added and removed on reload: new ones owned once, removed ones released by their owner', async () => {
    const before = ruleIds(10);
    const a = manager('a', before);
    const b = manager('b', before);
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => allOwnedOnce(before), 4 * LEASE_MS, 'every rule owned once');
    const after = [...before.slice(3), ...ruleIds(4, 'new')];
    const lost: string[] = [];
    for (const m of managers) m.on('lost', (r: string, why: string) => lost.push(`${r}:${why}`));
    a.setRules(after);
    b.setRules(after);
    await waitFor(() => allOwnedOnce(after), 4 * LEASE_MS, 'the reloaded rules owned once');
    assert.deepEqual(lost.sort(), ['rule-0:removed', 'rule-1:removed', 'rule-2:removed']);
    await es('POST', `/${index}/_refresh`);
    const r = await es('POST', `/${index}/_search`, { query: { terms: { rule: ['rule-0', 'rule-1', 'rule-2'] } } });
    assert.deepEqual(r.body.hits.hits.map((h: { _source: { owner: unknown } }) => h._source.owner), [null, null, null]);
  });

  it('status and metrics: members, owned rules with their fencing token and validity', async () => {
    const rules = ruleIds(4);
    const registry = new Registry();
    const a = manager('a', rules, registry);
    await a.start();
    await waitFor(() => a.owned().size === 4, 3 * LEASE_MS, 'a single member owning every rule');
    const s = a.status();
    assert.equal(s.member, 'a');
    assert.deepEqual(s.members, [{ member: 'a', self: true }]);
    assert.deepEqual(s.owned.map((o) => [o.rule, o.fencing_token]), rules.map((r) => [r, 1]));
    assert.ok(s.owned.every((o) => o.valid_for_ms > 0 && o.valid_for_ms <= a.times.ownerValidMs));
    assert.ok(s.last_round_ms !== null && s.last_error === null);
    const text = await registry.metrics();
    assert.match(text, /vigil_fleet_owned_rules 4/);
    assert.match(text, /vigil_fleet_lease_changes_total\{change="acquired"\} 4/);
  });
});

/** An HTTP proxy to the test Elasticsearch that can stop answering (a network partition for one member). */
async function partitionableProxy(): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  let cut = false;
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (cut) { held.push(res); return; }
      void fetch(`${testEsUrl()}${req.url}`, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json', accept: req.headers.accept ?? 'application/json' }, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (r) => { res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json', 'x-elastic-product': r.headers.get('x-elastic-product') ?? '' }); res.end(Buffer.from(await r.arrayBuffer())); })
        .catch(() => { res.writeHead(502); res.end(); });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => { cut = true; },
    close: async () => { for (const r of held) r.destroy(); server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

describe('fleet leases under a network partition (the shared Elasticsearch)', () => {
  it('an owner cut from Elasticsearch stops acting on each rule before another member takes it', async () => {
    const index = uniqueLeaseIndex('partition');
    const proxy = await partitionableProxy();
    const rules = ruleIds(6);
    const opts = { index, fleet: 'p', lease_ms: LEASE_MS };
    const a = new FleetLeaseManager({ client: new Client({ node: proxy.url, maxRetries: 0, requestTimeout: 1000 }), rules, memberId: 'a', options: opts });
    const b = new FleetLeaseManager({ client: testEsClient(), rules, memberId: 'b', options: opts });
    const events: string[] = [];
    a.on('lost', (r: string, why: string) => events.push(`a lost ${r} ${why}`));
    b.on('acquired', (r: string) => events.push(`b acquired ${r}`));
    try {
      await a.start();
      await waitFor(() => a.owned().size === rules.length, 3 * LEASE_MS, 'a owning every rule');
      const sampler = new OwnershipSampler(() => [{ name: 'a', owned: () => a.owned() }, { name: 'b', owned: () => b.owned() }]).start();
      proxy.cut();
      await b.start();
      await waitFor(() => b.owned().size === rules.length, 3 * LEASE_MS, 'b owning every rule');
      sampler.stop();
      assert.deepEqual(sampler.overlaps, []);
      assert.equal(a.owned().size, 0);
      for (const r of rules) {
        const lost = events.indexOf(`a lost ${r} expired`);
        assert.ok(lost >= 0 && lost < events.indexOf(`b acquired ${r}`), `${r}: ${events.join(', ')}`);
      }
      await waitFor(() => /timed out/i.test(a.status().last_error ?? ''), 3 * LEASE_MS, 'a reporting its failed rounds in its status');
    } finally {
      await b.stop();
      await proxy.close();
      await a.stop();
      await dropIndex(index);
    }
  });
});
