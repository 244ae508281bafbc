import { expect } from 'chai';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { readEvtx } from '../../collectors/evtx';
import { windowsDocId, windowsEventDoc } from '../../collectors/windows-event/event-mapping';
import { setupTarget } from '../../sinks/elasticsearch/template';
import { encodeRecord } from '../../sinks/spool/record-line';
import { bulkBody, itemsOf } from '../../sinks/elasticsearch/bulk-body';
import { EVTX_DATA } from '../helpers/evtx-samples';
import { deleteTarget, es, testEsUrl, uniqueTarget } from '../helpers/es';

// Enriched Windows events in a real Elasticsearch: the Security events of two sample .evtx files are
// mapped by Vigil, written with the Elasticsearch sink's template (sinks/elasticsearch/template.ts) and
// bulk encoding, and found again with the ECS fields Kibana and Elastic's rules search:
// `user.name`, `source.ip` (an ip field: a CIDR range matches) and `event.action`.

describe('Windows enrichment in Elasticsearch: found by user.name, source.ip and event.action', function () {
  this.timeout(120_000);
  const target = uniqueTarget('winenrich');
  const docs: Array<{ id: string; doc: Record<string, any> }> = [];

  before(async () => {
    for (const file of ['DeepBlueCLI/sliver-security.evtx', 'EVTX-to-MITRE-Attack/ID4625-OpenSSH brutforce with non existing users.evtx']) {
      for await (const rec of readEvtx(join(EVTX_DATA, file))) {
        const doc = windowsEventDoc(rec.tree, { hostName: 'h', ingested: '2026-03-01T00:00:00.000Z' }) as Record<string, any>;
        if (doc.winlog?.channel === 'Security') docs.push({ id: windowsDocId(doc), doc });
      }
    }
    const client = new Client({ node: testEsUrl(), maxRetries: 0 });
    try {
      await setupTarget(client, { dataStream: target, vigilVersion: 'test' });
    } finally {
      await client.close();
    }
    const spool = Buffer.from(docs.map((d) => encodeRecord(d.id, d.doc)).join('\n') + '\n');
    const { items, bad } = itemsOf(spool);
    expect(bad).to.deep.equal([]);
    for (let i = 0; i < items.length; i += 500) {
      const body = bulkBody(spool, items.slice(i, i + 500));
      const res = await fetch(`${testEsUrl()}/${target}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      const out = (await res.json()) as { errors: boolean; items: Array<{ create: { status: number; error?: unknown } }> };
      const failed = out.items.filter((x) => x.create.status !== 201);
      expect(failed.slice(0, 3), 'documents Elasticsearch refused').to.deep.equal([]);
    }
    await es('POST', `/${target}/_refresh`);
  });

  after(async () => {
    await deleteTarget(target);
  });

  /** The ids Elasticsearch finds for a query, sorted. */
  async function found(query: unknown): Promise<string[]> {
    const r = await es<{ hits: { hits: Array<{ _id: string }> } }>('POST', `/${target}/_search`, { size: 10000, _source: false, query });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(200);
    return r.body.hits.hits.map((h) => h._id).sort();
  }

  /** The ids of the documents a predicate selects, sorted. */
  const expected = (p: (d: Record<string, any>) => boolean): string[] => docs.filter((d) => p(d.doc)).map((d) => d.id).sort();

  it('maps the new fields with their ECS types', async () => {
    const r = await es('GET', `/${target}/_mapping/field/source.ip,related.ip,user.name,event.action,process.command_line,winlog.time_created,winlog.logon.type`);
    const types: Record<string, string> = {};
    for (const idx of Object.values(r.body as Record<string, any>)) {
      for (const [f, m] of Object.entries(idx.mappings as Record<string, any>)) types[f] = (Object.values(m.mapping)[0] as { type: string }).type;
    }
    expect(types).to.deep.equal({
      'source.ip': 'ip', 'related.ip': 'ip', 'user.name': 'keyword', 'event.action': 'keyword',
      'process.command_line': 'keyword', 'winlog.time_created': 'date', 'winlog.logon.type': 'keyword',
    });
  });

  it('user.name: the account of each logon and the subject of each process creation', async () => {
    const want = expected((d) => d.user?.name === 'fgaeta');
    expect(want.length).to.be.greaterThan(10);
    expect(await found({ term: { 'user.name': 'fgaeta' } })).to.deep.equal(want);
  });

  it('source.ip is an ip field: a CIDR range finds the logons from that network', async () => {
    const want = expected((d) => typeof d.source?.ip === 'string' && d.source.ip.startsWith('192.168.37.'));
    expect(want.length).to.be.greaterThan(0);
    expect(await found({ term: { 'source.ip': '192.168.37.0/24' } })).to.deep.equal(want);
    expect(await found({ term: { 'source.ip': '10.0.0.0/8' } })).to.deep.equal(expected((d) => typeof d.source?.ip === 'string' && d.source.ip.startsWith('10.')));
  });

  it('event.action: Winlogbeat\'s action names', async () => {
    for (const action of ['logged-in', 'logon-failed', 'created-process', 'audit-log-cleared']) {
      const want = expected((d) => d.event?.action === action);
      expect(want.length, action).to.be.greaterThan(0);
      expect(await found({ term: { 'event.action': action } }), action).to.deep.equal(want);
    }
    // and the three together, as a detection rule asks: failed logons of a user from anywhere
    const failures = await found({ bool: { filter: [{ term: { 'event.action': 'logon-failed' } }, { term: { 'event.outcome': 'failure' } }, { exists: { field: 'user.name' } }] } });
    expect(failures).to.deep.equal(expected((d) => d.event?.action === 'logon-failed' && d.event?.outcome === 'failure' && d.user?.name !== undefined));
  });
});
