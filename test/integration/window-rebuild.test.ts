import { expect } from 'chai';
import { Client } from '@elastic/elasticsearch';
import type { RuleDef } from '../../rules/types';
import { rereadRuleEvents } from '../../src/runtime/fleet-runner/window-rebuild';
import { es, testEsUrl } from '../helpers/es';
import { rulesOf } from '../helpers/rules-text';

const rule = (yaml: string): RuleDef => rulesOf(yaml).rules[0];

const FLATLINE = `
rules:
  - id: heartbeat-lost
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 1m
    threshold: 1
`;

describe('fleet takeover re-read (the shared Elasticsearch)', function () {
  this.timeout(60_000);
  const index = `vigil-rebuild-${Date.now().toString(36)}`;
  const now = Date.now();
  const at = (msAgo: number): string => new Date(now - msAgo).toISOString();
  before(async () => {
    const r = await es('PUT', `/${index}`, { mappings: { properties: { '@timestamp': { type: 'date' }, 'host.name': { type: 'keyword' }, 'event.dataset': { type: 'keyword' }, n: { type: 'long' } } } });
    expect(r.status).to.equal(200);
    const docs: Array<[string, Record<string, unknown>]> = [
      // web-01 beats now; web-02 stopped two hours ago; web-03 two days ago (past the group TTL of a day)
      ...Array.from({ length: 6 }, (_, i): [string, Record<string, unknown>] => [`a${i}`, { '@timestamp': at(i * 10_000), host: { name: 'web-01' }, event: { dataset: 'app.heartbeat' }, n: i }]),
      ['b-old', { '@timestamp': at(3 * 3_600_000), host: { name: 'web-02' }, event: { dataset: 'app.heartbeat' }, n: 100 }],
      ['b-last', { '@timestamp': at(2 * 3_600_000), host: { name: 'web-02' }, event: { dataset: 'app.heartbeat' }, n: 101 }],
      ['c', { '@timestamp': at(2 * 86_400_000), host: { name: 'web-03' }, event: { dataset: 'app.heartbeat' }, n: 200 }],
      // no host name: its own group, as the rule groups it
      ['d', { '@timestamp': at(5 * 3_600_000), event: { dataset: 'app.heartbeat' }, n: 300 }],
      ['other', { '@timestamp': at(3_600_000), host: { name: 'web-09' }, event: { dataset: 'app.other' }, n: 400 }],
    ];
    const body = docs.flatMap(([id, doc]) => [JSON.stringify({ index: { _index: index, _id: id } }), JSON.stringify(doc)]).join('\n') + '\n';
    const res = await fetch(`${testEsUrl()}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(((await res.json()) as { errors: boolean }).errors).to.equal(false);
  });
  after(async () => { await es('DELETE', `/${index}`); });

  it('a flatline\'s groups quiet since before the span (within the group TTL) come back with their last event, before the span\'s events', async () => {
    const client = new Client({ node: testEsUrl() });
    try {
      const events = await rereadRuleEvents(client, { index, def: rule(FLATLINE), now });
      expect(events.map((e) => e.id)).to.deep.equal(['d', 'b-last', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
      expect(events[1].doc).to.deep.include({ host: { name: 'web-02' } });
      expect(events[1].t).to.equal(now - 2 * 3_600_000);
    } finally {
      await client.close();
    }
  });

  it('other rules re-read their span only', async () => {
    const client = new Client({ node: testEsUrl() });
    try {
      const threshold = rule(FLATLINE.replace('type: flatline', 'type: threshold').replace('threshold: 1', 'threshold: 3'));
      const events = await rereadRuleEvents(client, { index, def: threshold, now });
      expect(events.map((e) => e.id)).to.deep.equal(['a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
    } finally {
      await client.close();
    }
  });
});
