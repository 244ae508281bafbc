import { expect } from 'chai';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import { Metrics } from '../../src/core/metrics';
import type { Span, PipelineEvent } from '../../src/core/event';
import type { EventSelectionProvider } from '../../src/core/contracts/event-selection';
import type { InputClock } from '../../src/core/contracts/input-clock';
import { EsCollector } from '../../collectors/elasticsearch/es-collector';
import { ES_INPUT_DEFAULTS, type EsInputConfig } from '../../collectors/elasticsearch/config';
import { fleetSelection } from '../../rules/fleet-selection';
import type { RuleDef } from '../../rules/types';
import { es, testEsUrl } from '../helpers/es';
import { tempDir } from '../helpers/temp-dir';
import { waitFor, sleep } from '../helpers/wait';
import { captureLogger } from '../helpers/logger';

const WAIT_MS = 60_000;

/** A unique index prefix for one test; its indices are `<prefix>-a`, `<prefix>-b`, … */
function prefix(name: string): string {
  return `vigil-esin-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

async function createIndex(index: string, shards = 2): Promise<void> {
  const r = await es('PUT', `/${index}`, {
    settings: { number_of_shards: shards, number_of_replicas: 0, refresh_interval: '1s' },
    mappings: { properties: { '@timestamp': { type: 'date' }, n: { type: 'long' }, 'event.action': { type: 'keyword' }, 'host.name': { type: 'keyword' }, message: { type: 'text' }, secret: { type: 'keyword' } } },
  });
  if (r.status !== 200) throw new Error(`creating ${index}: ${JSON.stringify(r.body)}`);
}

/** Indexes docs with their ids through _bulk (no refresh: the input must see them anyway). */
async function bulk(index: string, docs: Array<{ id: string; doc: Record<string, unknown> }>): Promise<void> {
  const body = docs.flatMap((d) => [JSON.stringify({ index: { _index: index, _id: d.id } }), JSON.stringify(d.doc)]).join('\n') + '\n';
  const res = await fetch(`${testEsUrl()}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  const out = await res.json() as { errors: boolean };
  if (out.errors) throw new Error(`bulk into ${index}: ${JSON.stringify(out).slice(0, 1000)}`);
}

async function deleteIndices(p: string): Promise<void> {
  await es('DELETE', `/${p}-*`);
}

interface Harness {
  collector: EsCollector;
  registry: CheckpointRegistry;
  received: PipelineEvent[];
  held: Span[];
  release: () => void;
}

function harness(dir: string, cfg: Partial<EsInputConfig> & { index: string }, opts: { hold?: boolean; selection?: EventSelectionProvider; clock?: InputClock } = {}): Harness {
  const registry = new CheckpointRegistry(join(dir, 'state'));
  registry.load();
  const tracker = new AckTracker(registry);
  const received: PipelineEvent[] = [];
  const held: Span[] = [];
  const { log } = captureLogger();
  const ack = (b: Span): void => { b.pending = 0; tracker.ack(b); };
  const full: EsInputConfig = {
    type: 'elasticsearch', id: 'es-in', url: testEsUrl(), request_timeout_ms: 30_000, poll_interval_ms: 20, batch_size: 50,
    start_at: 'beginning', refresh: ES_INPUT_DEFAULTS.refresh, ...cfg,
  };
  const metrics = new Metrics();
  const collector = new EsCollector(full, {
    registry, tracker, log, metrics, errorRetryMs: 100, isFull: () => false, selection: opts.selection, clock: opts.clock,
    submit: async (b) => {
      tracker.issue(b);
      b.pending = 1;
      received.push(...b.events);
      if (opts.hold) held.push(b); else ack(b);
    },
  });
  return { collector, registry, received, held, release: () => { for (const b of held.splice(0)) ack(b); } };
}

const ids = (evs: PipelineEvent[]): string[] => evs.map((e) => e.id).sort();
const dupes = (evs: PipelineEvent[]): string[] => {
  const seen = new Set<string>();
  return evs.map((e) => e.id).filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
};
const docs = (from: number, to: number, ts: (i: number) => string, extra: Record<string, unknown> = {}): Array<{ id: string; doc: Record<string, unknown> }> =>
  Array.from({ length: to - from }, (_, k) => ({ id: `d${from + k}`, doc: { '@timestamp': ts(from + k), n: from + k, ...extra } }));

describe('elasticsearch input (the shared Elasticsearch)', function () {
  this.timeout(180_000);
  let t: { path: string; cleanup: () => void };
  let p: string;
  const collectors: EsCollector[] = [];
  beforeEach(() => { t = tempDir('esin'); p = prefix('t'); });
  afterEach(async () => {
    for (const c of collectors.splice(0)) await c.stop();
    await deleteIndices(p);
    t.cleanup();
  });
  const start = (h: Harness): Harness => { collectors.push(h.collector); h.collector.start(); return h; };

  it('asks for only what it reads of each hit (id, sequence number, source), not the index name, score and sort value', async () => {
    await createIndex(`${p}-a`);
    // a proxy in front of Elasticsearch that keeps the answers to searches
    const answers: string[] = [];
    const target = new URL(testEsUrl());
    const proxy = createServer((req, res) => {
      const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (d: Buffer) => parts.push(d));
        r.on('end', () => {
          const body = Buffer.concat(parts);
          if ((req.url ?? '').split('?')[0].endsWith('/_search')) answers.push(body.toString());
          res.writeHead(r.statusCode ?? 502, r.headers);
          res.end(body);
        });
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const h = start(harness(t.path, { index: `${p}-*`, url }));
      await bulk(`${p}-a`, docs(0, 60, (i) => new Date(Date.UTC(2026, 0, 1, 12, 0, i)).toISOString(), { message: 'hello' }));
      await waitFor(() => h.received.length >= 60, WAIT_MS, '60 read');
      expect(ids(h.received)).to.deep.equal(ids(docs(0, 60, () => '').map((d) => ({ id: d.id } as PipelineEvent))));
      expect(h.received.find((e) => e.id === 'd7')!.doc).to.deep.equal({ '@timestamp': '2026-01-01T12:00:07.000Z', n: 7, message: 'hello' });
      const withHits = answers.filter((a) => a.includes('"_source"'));
      expect(withHits.length).to.be.greaterThan(0);
      for (const a of withHits) {
        expect(a).to.not.match(/"_index"|"_score"|"sort"|"_primary_term"/);
        expect(a).to.match(/"_seq_no":\d+/);
      }
    } finally {
      // the input's client keeps its connections to the proxy alive (it is stopped after the test): close()
      // alone waits for them to end, and a busy client never lets them go idle
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('reads documents shipped late (old @timestamps after newer ones were read) each once', async () => {
    await createIndex(`${p}-a`);
    const h = start(harness(t.path, { index: `${p}-*` }));
    // as an agent ships them: event.ingested is when it read them, 5 s ago
    const ingested = new Date(Date.now() - 5000).toISOString();
    await bulk(`${p}-a`, docs(0, 100, (i) => new Date(Date.UTC(2026, 0, 1, 12, 0, i % 60)).toISOString(), { event: { ingested } }));
    await waitFor(() => h.received.length >= 100, WAIT_MS, 'first 100 read');
    // an agent's spool drains: documents an hour older than those read
    await bulk(`${p}-a`, docs(100, 250, (i) => new Date(Date.UTC(2026, 0, 1, 11, 0, i % 60)).toISOString()));
    await waitFor(() => h.received.length >= 250, WAIT_MS, 'late ones read');
    await sleep(300);
    expect(h.received).to.have.length(250);
    expect(dupes(h.received)).to.deep.equal([]);
    expect(ids(h.received)).to.deep.equal(Array.from({ length: 250 }, (_, i) => `d${i}`).sort());
    const late = h.received.find((e) => e.id === 'd120')!;
    expect(late.time).to.equal(Date.UTC(2026, 0, 1, 11, 0, 0));
    const st = h.collector.status();
    expect(st.events_read).to.equal(250);
    // the lag of the first 100 (the others carry no event.ingested): at least the 5 s since the agent read them
    expect(st.lag_seconds).to.be.at.least(5).and.below(300);
    expect(st.events_per_s).to.be.greaterThan(0);
    expect(st.shards).to.have.length(2);
    // every shard read up to its checkpoint, and acknowledged
    for (const s of st.shards) { expect(s.read_to).to.equal(s.es_checkpoint); expect(s.checkpoint).to.equal(s.es_checkpoint); }
    expect(st.shards.reduce((a, s) => a + s.es_checkpoint + 1, 0)).to.equal(250);
  });

  it('reads the set written by many concurrent writers, no document twice', async () => {
    await createIndex(`${p}-a`, 3);
    const h = start(harness(t.path, { index: `${p}-*`, batch_size: 37 }));
    const writers = 4, rounds = 25, per = 20;
    const written: string[] = [];
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      for (let r = 0; r < rounds; r++) {
        const batch = Array.from({ length: per }, (_, k) => ({ id: `w${w}-${r}-${k}`, doc: { '@timestamp': new Date().toISOString(), n: k } }));
        await bulk(`${p}-a`, batch);
        written.push(...batch.map((b) => b.id));
        await sleep(5 + ((w * 7 + r) % 11));
      }
    }));
    await waitFor(() => h.received.length >= written.length, WAIT_MS, 'everything written read');
    await sleep(500);
    expect(dupes(h.received)).to.deep.equal([]);
    expect(ids(h.received)).to.deep.equal([...written].sort());
    expect(h.collector.status().polls).to.be.greaterThan(3);
  });

  it('follows a new index matching the pattern from its first document, and drops a deleted one', async () => {
    await createIndex(`${p}-a`, 1);
    const h = start(harness(t.path, { index: `${p}-*` }));
    await bulk(`${p}-a`, docs(0, 10, () => '2026-01-01T00:00:00.000Z'));
    await waitFor(() => h.received.length >= 10, WAIT_MS, 'index a read');
    await createIndex(`${p}-b`, 1);
    await bulk(`${p}-b`, docs(10, 30, () => '2026-01-02T00:00:00.000Z'));
    await waitFor(() => h.received.length >= 30, WAIT_MS, 'new index b read');
    expect(ids(h.received)).to.deep.equal(Array.from({ length: 30 }, (_, i) => `d${i}`).sort());
    expect(h.collector.status().shards.map((s) => s.index)).to.deep.equal([`${p}-a`, `${p}-b`]);
    const sources = (): string[] => [...h.registry.entries()].map(([k]) => k).filter((k) => k.startsWith('es:es-in:'));
    expect(sources()).to.have.length(2);
    await es('DELETE', `/${p}-a`);
    await waitFor(() => h.collector.status().shards.length === 1, WAIT_MS, 'deleted index dropped');
    expect(sources()).to.have.length(1);
  });

  it('reads a data stream through its pattern, and follows its rollover to the new backing index', async () => {
    // the test Elasticsearch cannot delete a data stream (no data-stream API): the name is unique and small
    const ds = `logs-${p}`;
    const tpl = await es('PUT', `/_index_template/${ds}`, { index_patterns: [`${ds}*`], data_stream: {}, priority: 500, template: { settings: { number_of_replicas: 0 } } });
    expect(tpl.status).to.equal(200);
    const create = async (from: number, to: number): Promise<void> => {
      const body = docs(from, to, () => '2026-01-01T00:00:00.000Z').flatMap((d) => [JSON.stringify({ create: { _index: ds, _id: d.id } }), JSON.stringify(d.doc)]).join('\n') + '\n';
      const out = await (await fetch(`${testEsUrl()}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })).json() as { errors: boolean };
      expect(out.errors).to.equal(false);
    };
    await create(0, 20);
    const h = start(harness(t.path, { index: `logs-${p}*` }));
    await waitFor(() => h.received.length >= 20, WAIT_MS, 'first backing index read');
    const roll = await es('POST', `/${ds}/_rollover`);
    expect(roll.status).to.equal(200);
    await create(20, 35);
    await waitFor(() => h.received.length >= 35, WAIT_MS, 'new backing index read');
    await sleep(300);
    expect(ids(h.received)).to.deep.equal(Array.from({ length: 35 }, (_, i) => `d${i}`).sort());
    expect(h.collector.status().shards.map((s) => s.index)).to.deep.equal([roll.body.old_index, roll.body.new_index]);
  });

  it('a restart reads again only what was not acknowledged; start_at end skips what is already there', async () => {
    await createIndex(`${p}-a`, 2);
    await bulk(`${p}-a`, docs(0, 40, () => '2026-01-01T00:00:00.000Z'));
    // first run: everything read, nothing acknowledged (the pipeline has not counted it)
    const h1 = start(harness(t.path, { index: `${p}-*`, batch_size: 7 }, { hold: true }));
    await waitFor(() => h1.received.length >= 40, WAIT_MS, 'first run read');
    // acknowledge the first three pages only, in order per shard (the tracker moves contiguous prefixes)
    const firstPages = h1.held.slice(0, 3);
    const ackedIds = firstPages.flatMap((s) => s.events.map((e) => e.id));
    h1.held.splice(0, 3);
    for (const s of firstPages) { s.pending = 0; }
    const tracker = (h1.collector as unknown as { d: { tracker: AckTracker } }).d.tracker;
    for (const s of firstPages) tracker.ack(s);
    await h1.collector.stop();
    await h1.registry.commit();
    const h2 = start(harness(t.path, { index: `${p}-*`, batch_size: 7 }));
    await waitFor(() => h2.received.length >= 40 - ackedIds.length, WAIT_MS, 'second run read');
    await sleep(300);
    expect(ids(h2.received)).to.deep.equal(Array.from({ length: 40 }, (_, i) => `d${i}`).filter((id) => !ackedIds.includes(id)).sort());
    expect(ackedIds.length).to.be.greaterThan(0);

    // a fresh input (no registry) with start_at end reads only what comes after its first poll
    const t2 = tempDir('esin-end');
    try {
      const h3 = start(harness(t2.path, { index: `${p}-*`, start_at: 'end' }));
      await waitFor(() => h3.collector.status().polls >= 1, WAIT_MS, 'first poll');
      await bulk(`${p}-a`, docs(40, 45, () => '2026-01-03T00:00:00.000Z'));
      await waitFor(() => h3.received.length >= 5, WAIT_MS, 'new ones read');
      await sleep(300);
      expect(ids(h3.received)).to.deep.equal(['d40', 'd41', 'd42', 'd43', 'd44']);
    } finally { t2.cleanup(); }
  });

  it('fetches only what a loaded rule can match, only the fields the rules read, and ANDs the filter', async () => {
    await createIndex(`${p}-a`, 1);
    const rule = {
      id: 'spray', type: 'threshold', enabled: true, where: 'event.action: "logon-failed"', group_by: ['user.name'], include: ['host.name'],
      tags: [], examples: [], notify: [],
    } as unknown as RuleDef;
    const rules = [rule];
    const provider: EventSelectionProvider = (filter) => fleetSelection(rules, filter);
    const h = start(harness(t.path, { index: `${p}-*`, filter: 'host.name: web-*' }, { selection: provider }));
    await bulk(`${p}-a`, [
      { id: 'hit1', doc: { '@timestamp': '2026-01-01T00:00:00.000Z', event: { action: 'logon-failed' }, host: { name: 'web-1' }, user: { name: 'bob' }, secret: 'x' } },
      { id: 'other-action', doc: { '@timestamp': '2026-01-01T00:00:01.000Z', event: { action: 'logon' }, host: { name: 'web-1' }, user: { name: 'bob' } } },
      { id: 'other-host', doc: { '@timestamp': '2026-01-01T00:00:02.000Z', event: { action: 'logon-failed' }, host: { name: 'db-1' }, user: { name: 'bob' } } },
      { id: 'hit2', doc: { '@timestamp': '2026-01-01T00:00:03.000Z', event: { action: 'logon-failed' }, host: { name: 'web-2' }, user: { name: 'eve' }, secret: 'y' } },
    ]);
    await waitFor(() => h.received.length >= 2, WAIT_MS, 'matching read');
    await waitFor(() => h.collector.status().shards[0]?.checkpoint === 3, WAIT_MS, 'checkpoint over every document');
    expect(ids(h.received)).to.deep.equal(['hit1', 'hit2']);
    const d = h.received.find((e) => e.id === 'hit1')!.doc;
    // read by the rule (where, group_by, include) and @timestamp: kept; `secret` no rule reads: not fetched
    expect(d).to.deep.equal({ '@timestamp': '2026-01-01T00:00:00.000Z', event: { action: 'logon-failed' }, host: { name: 'web-1' }, user: { name: 'bob' } });

    // a rules reload changes the selection from the next poll on; no rule at all: nothing fetched
    rules.length = 0;
    const none: RuleDef[] = [];
    const h2 = start(harness(tempDir('esin-none').path, { index: `${p}-*` }, { selection: () => fleetSelection(none) }));
    await waitFor(() => h2.collector.status().shards[0]?.checkpoint === 3, WAIT_MS, 'passed over');
    expect(h2.received).to.have.length(0);
    expect(h2.collector.status().requests).to.be.greaterThan(0);
  });

  it('reports its progress to the rules\' clock after each whole poll: the poll\'s start, by which every document indexed before it was submitted', async () => {
    await createIndex(`${p}-a`);
    const followed: string[] = [];
    const reports: Array<{ at: number; received: number }> = [];
    let h: Harness | null = null;
    const clock: InputClock = {
      follow: (input) => followed.push(input),
      progress: (input, at) => { expect(input).to.equal('es-in'); reports.push({ at, received: h!.received.length }); },
    };
    h = start(harness(t.path, { index: `${p}-*`, poll_interval_ms: 200 }, { clock }));
    expect(followed).to.deep.equal(['es-in']);
    // an idle index: every poll still reports (event time moves on while nothing comes)
    await waitFor(() => reports.length >= 2, WAIT_MS, 'two reports with nothing to read');
    expect(h.received).to.have.length(0);
    await bulk(`${p}-a`, docs(0, 40, () => '2026-01-01T00:00:00.000Z'));
    const indexed = Date.now();
    await waitFor(() => reports.some((r) => r.at >= indexed), WAIT_MS, 'a report past the indexing');
    // every report from an instant after the bulk request was answered comes once all 40 were submitted
    for (const r of reports.filter((x) => x.at >= indexed)) expect(r.received).to.equal(40);
    // reports never go back, and none claims a time after it was made
    for (let i = 1; i < reports.length; i++) expect(reports[i].at).to.be.greaterThan(reports[i - 1].at);
    expect(reports[reports.length - 1].at).to.be.at.most(Date.now());
    expect(h.collector.status().read_up_to).to.be.a('string');
  });

  it('refresh: false reports the previous poll\'s start (the checkpoints it reads up to)', async () => {
    await createIndex(`${p}-a`);
    const reports: Array<{ at: number; received: number }> = [];
    let h: Harness | null = null;
    const clock: InputClock = { follow: () => undefined, progress: (_i, at) => reports.push({ at, received: h!.received.length }) };
    // the index refreshes every second: polls 1.5 s apart see what the previous one's checkpoints named
    h = start(harness(t.path, { index: `${p}-*`, poll_interval_ms: 1500, refresh: false }, { clock }));
    await waitFor(() => reports.length >= 1, WAIT_MS, 'a first report');
    await bulk(`${p}-a`, docs(0, 25, () => '2026-01-01T00:00:00.000Z'));
    const indexed = Date.now();
    await waitFor(() => reports.some((r) => r.at >= indexed), WAIT_MS, 'a report past the indexing');
    for (const r of reports.filter((x) => x.at >= indexed)) expect(r.received).to.equal(25);
  });

  it('a cluster it cannot reach: the poll fails, /status names the problem, and nothing moves', async () => {
    const reports: number[] = [];
    const clock: InputClock = { follow: () => undefined, progress: (_i, at) => reports.push(at) };
    const h = start(harness(t.path, { index: `${p}-*`, url: 'http://127.0.0.1:1' }, { clock }));
    await waitFor(() => h.collector.status().last_error !== null, WAIT_MS, 'the error reported');
    const st = h.collector.status();
    expect(st.last_error).to.match(/ECONNREFUSED|connect/i);
    expect(st.polls).to.equal(0);
    // nor does the rules' event time: no report while nothing can be read
    expect(reports).to.deep.equal([]);
    expect(st.read_up_to).to.equal(null);
    expect([...h.registry.entries()].filter(([k]) => k.startsWith('es:'))).to.deep.equal([]);
  });

  it('names the input and the filter when the filter is not KQL', () => {
    const provider: EventSelectionProvider = (filter) => fleetSelection([], filter);
    expect(() => harness(t.path, { index: `${p}-*`, filter: 'host.name: (' }, { selection: provider }))
      .to.throw(/input "es-in": filter "host.name: \(": /);
  });
});
