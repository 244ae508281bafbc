import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Daemon } from '../../src/runtime/daemon';
import { silentLogger, createLogger } from '../../src/core/log';
import { Metrics } from '../../src/core/metrics';
import { fileEventId, fileIdPrefix, hostIdTag } from '../../src/core/event';
import { fingerprintOf } from '../../collectors/file/fingerprint';
import type { VigilConfig } from '../../src/runtime/config/types';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { logrotateFor } from '../helpers/logrotate';
import { waitFor, sleep } from '../helpers/wait';
import { testEsUrl, es, countDocs, allHits, deleteTarget, uniqueTarget } from '../helpers/es';

const WRITER = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'writer.js');

export function esConfig(dir: string, paths: string[], target: string, over: Partial<NonNullable<VigilConfig['elasticsearch']>> = {}): VigilConfig {
  return testConfig(dir, paths, {}, {
    elasticsearch: {
      hosts: [testEsUrl()], data_stream: target, batch_size: 1000, batch_bytes: 5 * 1024 * 1024, flush_interval_ms: 200,
      max_inflight_requests: 2, request_timeout_ms: 30_000, spool_max_bytes: 1024 * 1024 * 1024, spool_segment_bytes: 8 * 1024 * 1024,
      ...over,
    },
  });
}

/** The document id every line on disk must have: its file's identity (first line), its offset and the host's tag (testConfig's test-host). */
function expectedIds(logDir: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const f of readdirSync(logDir)) {
    let buf = readFileSync(join(logDir, f));
    if (f.endsWith('.gz')) buf = gunzipSync(buf);
    if (buf.length === 0) continue;
    const prefix = fileIdPrefix(fingerprintOf(buf, 1024)!);
    let off = 0;
    for (;;) {
      const nl = buf.indexOf(10, off);
      if (nl < 0) break;
      const seq = (JSON.parse(buf.toString('utf8', off, nl)) as { seq?: number }).seq;
      if (seq !== undefined) ids.set(fileEventId(prefix, off, hostIdTag('test-host')), seq);
      off = nl + 1;
    }
  }
  return ids;
}

describe('Elasticsearch sink (real server)', function () {
  this.timeout(300_000);
  const targets: string[] = [];
  after(async () => { for (const t of targets) await deleteTarget(t); });

  it('100k lines from rotating files become exactly 100k documents with their ids, ECS mappings, and searchable fields', async () => {
    const target = uniqueTarget('rot');
    targets.push(target);
    const tmp = tempDir('es-rot');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    const winDir = join(tmp.path, 'win');
    mkdirSync(winDir);
    // Windows-shaped events next to the app log: 30 failed logons (4625) and 20 successful ones (4624), one a minute
    const win: string[] = [];
    for (let i = 0; i < 50; i++) {
      win.push(JSON.stringify({
        '@timestamp': new Date(Date.UTC(2026, 1, 1, 12, i)).toISOString(), 'event.code': i < 30 ? '4625' : '4624', message: i < 30 ? 'An account failed to log on.' : 'An account was successfully logged on.',
        winlog: { channel: 'Security', event_id: i < 30 ? '4625' : '4624', record_id: String(1000 + i), event_data: { TargetUserName: `user${i % 3}`, LogonType: '3' } },
      }));
    }
    writeFileSync(join(winDir, 'security.ndjson'), `${win.join('\n')}\n`);
    const rotate = logrotateFor(tmp.path, join(logDir, 'app.log'), ['create', 'compress', 'delaycompress']);
    const daemon = new Daemon(esConfig(tmp.path, [join(logDir, 'app.log*'), join(winDir, '*.ndjson')], target), { log: process.env.VIGIL_TEST_LOG ? createLogger('info') : silentLogger(), metrics: new Metrics() });
    await daemon.start();
    try {
      const writer = spawn(process.execPath, [WRITER, join(logDir, 'app.log'), '100000', 'reopen', '0', '200', '2'], { stdio: 'inherit' });
      let writing = true;
      writer.on('exit', () => { writing = false; });
      while (writing) {
        await sleep(150 + Math.random() * 200);
        try { rotate(); } catch { /* raced the writer */ }
      }
      try { rotate(); } catch { /* fine */ }
      await waitFor(async () => (await countDocs(target)) >= 100_050, 120_000, '100050 documents', 500);
      await sleep(1000);
      expect(await countDocs(target)).to.equal(100_050);

      // ids: every document's id is its file identity + offset, and every line on disk is there once
      const expected = expectedIds(logDir);
      expect(expected.size).to.equal(100_000);
      const hits = await allHits(target, ['seq']);
      const byId = new Map(hits.map((h) => [h._id, h._source.seq as number | undefined]));
      expect(byId.size).to.equal(100_050);
      let wrong = 0;
      for (const [id, seq] of expected) if (byId.get(id) !== seq) wrong++;
      expect(wrong, 'documents whose id does not match their line').to.equal(0);

      // the mapping Kibana users rely on
      const m = await es('GET', `/${target}/_mapping`);
      const props = (Object.values(m.body)[0] as any).mappings.properties;
      expect(props['@timestamp'].type).to.equal('date');
      expect(props.message.type).to.equal('text');
      expect(props.log.properties.level.type).to.equal('keyword');
      expect(props.log.properties.offset.type).to.equal('long');
      expect(props.event.properties.code.type).to.equal('keyword');
      expect(props.event.properties.ingested.type).to.equal('date');
      expect(props.host.properties.name.type).to.equal('keyword');
      expect(props.winlog.properties.channel.type).to.equal('keyword');
      expect(props.winlog.properties.event_data.properties.TargetUserName.type).to.equal('keyword');
      expect(props.seq.type).to.equal('long');

      // what `event.code: 4625` and a time range select in Kibana
      expect(await countDocs(target, { bool: { filter: [{ match: { 'event.code': '4625' } }] } })).to.equal(30);
      expect(await countDocs(target, { bool: { filter: [
        { match: { 'event.code': '4625' } },
        { range: { '@timestamp': { gte: '2026-02-01T12:10:00.000Z', lt: '2026-02-01T12:20:00.000Z' } } },
      ] } })).to.equal(10);
      expect(await countDocs(target, { match: { message: 'failed' } })).to.equal(30);
      expect(await countDocs(target, { match: { 'winlog.event_data.TargetUserName': 'user1' } })).to.equal(17);
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
  });

  it('two hosts whose files begin with the same line: every line of both is a document of its own', async () => {
    // a fleet's files often share their first line (a CSV or IIS header, the same app's start message):
    // the same file identity on both hosts, so the ids must also name the host
    const target = uniqueTarget('twohosts');
    targets.push(target);
    const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 1, 1, 12, 0, i)).toISOString(), message: i === 0 ? '#Fields: date time cs-method' : `GET /item/${i}` }));
    const daemons: Daemon[] = [];
    for (const host of ['web-01', 'web-02']) {
      const tmp = tempDir(`es-${host}`);
      const logDir = join(tmp.path, 'logs');
      mkdirSync(logDir);
      writeFileSync(join(logDir, 'access.ndjson'), `${lines.join('\n')}\n`);
      const cfg = { ...esConfig(tmp.path, [join(logDir, '*.ndjson')], target), host_name: host };
      const d = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
      daemons.push(d);
      await d.start();
    }
    try {
      await waitFor(async () => (await countDocs(target)) >= 1000, 60_000, '1000 documents', 300);
      await sleep(1000);
      expect(await countDocs(target)).to.equal(1000);
      const hits = await allHits(target, ['host']);
      const perHost = new Map<string, number>();
      for (const h of hits) { const name = (h._source.host as { name: string }).name; perHost.set(name, (perHost.get(name) ?? 0) + 1); }
      expect(Object.fromEntries(perHost)).to.deep.equal({ 'web-01': 500, 'web-02': 500 });
    } finally {
      for (const d of daemons) await d.stop();
    }
  });

  it('puts a document Elasticsearch rejects (mapping conflict) in the dead-letter file, and the rest flows', async () => {
    const target = uniqueTarget('dlq');
    targets.push(target);
    const tmp = tempDir('es-dlq');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    const lines = [JSON.stringify({ msg: 'first', thing: { kind: 'object' } })];
    for (let i = 0; i < 10; i++) lines.push(JSON.stringify({ msg: `ok ${i}`, n: i }));
    const all = [...lines, JSON.stringify({ msg: 'conflict', thing: 'a plain string' }), JSON.stringify({ msg: 'after' })];
    // the object mapping must exist before the conflicting line comes: write the first part, wait, then the rest
    writeFileSync(join(logDir, 'a.ndjson'), `${lines.join('\n')}\n`);
    const cfg = esConfig(tmp.path, [join(logDir, '*.ndjson')], target);
    const daemon = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
    await daemon.start();
    try {
      await waitFor(async () => (await countDocs(target)) === 11, 30_000, 'the first 11 documents', 200);
      appendFileSync(join(logDir, 'a.ndjson'), `${all.slice(lines.length).join('\n')}\n`);
      await waitFor(async () => (await countDocs(target)) === 12, 30_000, 'the document after the conflict', 200);
      const dlqPath = join(cfg.state_dir, 'elasticsearch-dead-letter.ndjson');
      await waitFor(() => { try { return readFileSync(dlqPath, 'utf8').length > 0; } catch { return false; } }, 10_000, 'the dead-letter file');
      const letters = readFileSync(dlqPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(letters).to.have.length(1);
      expect(letters[0].status).to.equal(400);
      expect(letters[0].error).to.match(/mapper_parsing_exception|document_parsing_exception/);
      expect(letters[0].document.message).to.equal('conflict');
      expect(letters[0].document.thing).to.equal('a plain string');
      expect(letters[0]._id).to.be.a('string');
      expect(letters[0].target).to.equal(target);
      // the checkpoint moved past it: nothing is stuck
      await sleep(500);
      const entry = [...daemon.registry.entries()][0][1];
      expect(entry.offset).to.equal(Buffer.byteLength(`${all.join('\n')}\n`));
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
  });

  it('a spool smaller than the backlog: reading waits for the shipper (spool_full in the status), and every line arrives once', async () => {
    const target = uniqueTarget('small');
    targets.push(target);
    const tmp = tempDir('es-small');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    const N = 20_000;
    writeFileSync(join(logDir, 'a.ndjson'), Array.from({ length: N }, (_, i) => `${JSON.stringify({ msg: `line ${i}`, seq: i, pad: 'p'.repeat(100) })}\n`).join(''));
    // room for about 1000 records: the file is 20 times that
    const daemon = new Daemon(esConfig(tmp.path, [join(logDir, '*.ndjson')], target, { spool_max_bytes: 400 * 1024, spool_segment_bytes: 64 * 1024 }), { log: silentLogger(), metrics: new Metrics() });
    await daemon.start();
    let sawFull = false;
    try {
      await waitFor(async () => {
        if ((daemon.sinks[0] as unknown as { status(): { spool_full: boolean } }).status().spool_full) sawFull = true;
        return (await countDocs(target)) === N;
      }, 120_000, 'every line in Elasticsearch', 50);
      const seqs = (await allHits(target, ['seq'])).map((h) => h._source.seq as number).sort((a, b) => a - b);
      expect(seqs).to.deep.equal(Array.from({ length: N }, (_, i) => i));
      expect(sawFull, 'the spool was full at some point').to.equal(true);
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
  });

  it('`index:` instead of a data stream: a plain index with Vigil\'s template and mappings', async () => {
    const target = uniqueTarget('idx').replace(/^logs-/, 'vigil-');
    targets.push(target);
    const tmp = tempDir('es-idx');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    writeFileSync(join(logDir, 'a.ndjson'), Array.from({ length: 50 }, (_, i) => `${JSON.stringify({ time: Date.UTC(2026, 2, 1, 0, i), level: 'warn', msg: `line ${i}`, seq: i })}\n`).join(''));
    const cfg = esConfig(tmp.path, [join(logDir, '*.ndjson')], target);
    delete cfg.elasticsearch!.data_stream;
    cfg.elasticsearch!.index = target;
    const daemon = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
    await daemon.start();
    try {
      await waitFor(async () => (await countDocs(target)) === 50, 60_000, 'the 50 documents', 200);
      const ds = await es('GET', `/_data_stream/${target}`).catch(() => null);
      expect(ds === null || ds.status === 404 || (ds.body.data_streams ?? []).length === 0, 'no data stream').to.equal(true);
      const idx = await es('GET', `/${target}`);
      const name = Object.keys(idx.body)[0];
      expect(name).to.equal(target);
      expect(idx.body[name].mappings.properties['@timestamp'].type).to.equal('date');
      expect(idx.body[name].mappings.properties.log.properties.level.type).to.equal('keyword');
      const hits = await es('POST', `/${target}/_search`, { query: { range: { '@timestamp': { gte: '2026-03-01T00:10:00Z', lt: '2026-03-01T00:20:00Z' } } }, size: 0, track_total_hits: true });
      expect(hits.body.hits.total.value).to.equal(10);
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
  });
  it('with the inputs caught up and the output quiet for a flush interval, a single line goes at once (here flush_interval 60 s)', async () => {
    const target = uniqueTarget('quiet');
    targets.push(target);
    const tmp = tempDir('es-quiet');
    const logDir = join(tmp.path, 'logs');
    mkdirSync(logDir);
    writeFileSync(join(logDir, 'a.ndjson'), `${JSON.stringify({ msg: 'first' })}\n`);
    const cfg = esConfig(tmp.path, [join(logDir, '*.ndjson')], target);
    cfg.pipeline = { ...cfg.pipeline, flush_interval_ms: 60_000 };
    const daemon = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
    await daemon.start();
    try {
      // the first line: nothing was handed to Elasticsearch before, so it goes without waiting the minute
      await waitFor(async () => (await countDocs(target)) === 1, 10_000, 'the first line', 100);
      // the next one within the minute waits for it (one partial request a flush interval at most)
      appendFileSync(join(logDir, 'a.ndjson'), `${JSON.stringify({ msg: 'second' })}\n`);
      await sleep(2000);
      expect(await countDocs(target)).to.equal(1);
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
    // stopping hands on what waits: both are there
    expect(await countDocs(target)).to.equal(2);
  });
});
