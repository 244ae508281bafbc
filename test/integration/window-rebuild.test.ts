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
    const r = await es('PUT', `/${index}`, { mappings: { properties: { '@timestamp': { type: 'date' }, 'host.name': { type: 'keyword' }, 'event.dataset': { type: 'keyword' }, n: { type: 'long' }, note: { type: 'text' } } } });
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

  it('a new_term rule gets each term\'s (per group) last sighting within its history, to teach it, capped at max_terms', async () => {
    const client = new Client({ node: testEsUrl() });
    try {
      const NEW_TERM = `
rules:
  - id: new-host-event
    type: new_term
    where: 'event.dataset: "app.heartbeat"'
    group_by: [event.dataset]
    fields: [host.name]
    history: 36h
`;
      const events = await rereadRuleEvents(client, { index, def: rule(NEW_TERM), now });
      // web-02 (its newest of two), then the span; web-03 is older than the history, the host-less event has no term
      expect(events.map((e) => [e.id, e.teach ?? false])).to.deep.equal([['b-last', true], ...['a5', 'a4', 'a3', 'a2', 'a1', 'a0'].map((id) => [id, false])]);
      const capped = await rereadRuleEvents(client, { index, def: rule(NEW_TERM.replace('history: 36h', 'history: 3d\n    max_terms: 1')), now });
      // web-02 (two hours ago) and web-03 (two days ago) before the span: the most recently seen kept
      expect(capped.filter((e) => e.teach).map((e) => e.id)).to.deep.equal(['b-last']);
      expect((await rereadRuleEvents(client, { index, def: rule(NEW_TERM.replace('history: 36h', 'history: 3d')), now })).filter((e) => e.teach).map((e) => e.id)).to.deep.equal(['c', 'b-last']);
    } finally {
      await client.close();
    }
  });

  it('a new_term rule with a history_warmup also gets the oldest event with its term fields within its history, taught first', async () => {
    const client = new Client({ node: testEsUrl() });
    try {
      const WARM = `
rules:
  - id: new-host-event
    type: new_term
    where: 'event.dataset: "app.heartbeat"'
    fields: [host.name]
    history: 36h
    history_warmup: 1h
`;
      // web-02's newest sighting (two hours ago) would start the warm-up there; its first (three hours ago) is
      // older (the host-less event five hours ago has no term; web-03 is older than the history)
      const events = await rereadRuleEvents(client, { index, def: rule(WARM), now });
      expect(events.filter((e) => e.teach).map((e) => e.id)).to.deep.equal(['b-old', 'b-last']);
      // the oldest is also a term's newest: taught once
      const one = await rereadRuleEvents(client, { index, def: rule(WARM.replace('history: 36h', 'history: 150m')), now });
      expect(one.filter((e) => e.teach).map((e) => e.id)).to.deep.equal(['b-last']);
    } finally {
      await client.close();
    }
  });

  it('a change rule gets each group\'s last event before the span (without group_by, the newest one), counted, not taught', async () => {
    const client = new Client({ node: testEsUrl() });
    try {
      const CHANGE = `
rules:
  - id: host-n-changed
    type: change
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    field: n
`;
      const events = await rereadRuleEvents(client, { index, def: rule(CHANGE), now });
      expect(events.map((e) => [e.id, e.teach ?? false])).to.deep.equal([['c', false], ['d', false], ['b-last', false], ...['a5', 'a4', 'a3', 'a2', 'a1', 'a0'].map((id) => [id, false])]);
      const ungrouped = await rereadRuleEvents(client, { index, def: rule(CHANGE.replace('    group_by: [host.name]\n', '')), now });
      expect(ungrouped.map((e) => e.id)).to.deep.equal(['b-last', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
    } finally {
      await client.close();
    }
  });

  it('a term field Elasticsearch cannot aggregate (text): the span is re-read without what came before, and the refusal is told', async () => {
    const client = new Client({ node: testEsUrl() });
    try {
      const refused: string[] = [];
      const def = rule(`
rules:
  - id: new-note
    type: new_term
    where: 'event.dataset: "app.heartbeat"'
    fields: [note]
`);
      const events = await rereadRuleEvents(client, { index, def, now, onSeedsRefused: (why) => refused.push(why) });
      expect(events.map((e) => e.id)).to.deep.equal(['a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
      expect(refused).to.have.length(1);
      expect(refused[0]).to.match(/text|fielddata|aggregat/i);
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
