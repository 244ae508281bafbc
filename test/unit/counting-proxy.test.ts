import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { CountingProxy } from '../../bench/counting-proxy';

/** bench/counting-proxy.ts: what the fleet benchmarks count of a runner's requests, against a real HTTP server. */
describe('the counting proxy of the fleet benchmarks', () => {
  let target: Server;
  let url = '';
  const answer = JSON.stringify({ hits: { hits: [{ _id: 'a' }, { _id: 'b' }] } });

  before(async () => {
    target = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(req.url!.includes('_search') ? answer : '{}'));
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(target.address() as { port: number }).port}`;
  });
  after(() => { target.closeAllConnections(); target.close(); });

  it('passes requests through and counts them by kind, with the bytes of the search answers', async () => {
    const proxy = new CountingProxy(url);
    const via = await proxy.start();
    try {
      const before = proxy.snapshot();
      const got = await (await fetch(`${via}/logs-*/_search?preference=_shards:0`, { method: 'POST', body: '{"size":2}', headers: { 'content-type': 'application/json' } })).text();
      expect(got).to.equal(answer);
      await (await fetch(`${via}/logs-*/_stats?level=shards`)).text();
      await (await fetch(`${via}/logs-*/_refresh`, { method: 'POST' })).text();
      await (await fetch(`${via}/vigil-fleet-leases/_bulk`, { method: 'POST', body: '\n' })).text();
      await (await fetch(`${via}/logs-*/_search`, { method: 'POST', body: '{}' })).text();
      expect(proxy.counts.requests).to.deep.equal({ stats: 1, refresh: 1, search: 2, other: 1 });
      expect(proxy.counts.searchBytes).to.equal(2 * Buffer.byteLength(answer));
      expect(proxy.searchTimes).to.have.length(2);
      expect(before.requests.search).to.equal(0); // a snapshot is a copy
    } finally {
      proxy.stop();
    }
  });
});
