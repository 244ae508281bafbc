import { expect } from 'chai';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import type { VigilConfig } from '../../src/runtime/config/types';
import type { ElasticsearchSink } from '../../sinks/elasticsearch/elasticsearch-sink';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { testLogger } from '../helpers/logger';
import { waitFor } from '../helpers/wait';
import { testEsUrl, countDocs, allHits, deleteTarget, uniqueTarget } from '../helpers/es';

/** A TCP relay on 127.0.0.1 to the test Elasticsearch; `cut()` closes it and every connection through it (Elasticsearch "goes away"). */
async function relay(): Promise<{ url: string; cut: () => Promise<void> }> {
  const es = new URL(testEsUrl());
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const up = connect(Number(es.port || 80), es.hostname);
    for (const s of [client, up]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => { client.destroy(); up.destroy(); }); }
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => new Promise<void>((r) => { server.close(() => r()); for (const s of sockets) s.destroy(); }),
  };
}

function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += `${JSON.stringify({ seq: i, msg: `line ${i}` })}\n`;
  return s;
}

describe('Elasticsearch sink stopped while Elasticsearch is away (real server)', function () {
  this.timeout(180_000);
  const targets: string[] = [];
  after(async () => { for (const t of targets) await deleteTarget(t); });

  it('keeps the batches it could not ship in the spool: after a restart every event arrives once', async () => {
    const target = uniqueTarget('stopaway');
    targets.push(target);
    const tmp = tempDir('es-stopaway');
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    const log = join(logs, 'app.ndjson');
    writeFileSync(join(tmp.path, 'rules.yaml'), 'rules: []\n');
    const cfgFor = (url: string): VigilConfig => testConfig(tmp.path, [join(logs, '*.ndjson')], {}, {
      elasticsearch: {
        hosts: [url], data_stream: target, batch_size: 500, batch_bytes: 5 * 1024 * 1024, flush_interval_ms: 200,
        max_inflight_requests: 2, request_timeout_ms: 5_000, spool_max_bytes: 1024 * 1024 * 1024, spool_segment_bytes: 8 * 1024 * 1024,
      },
    });
    const via = await relay();
    let daemon = new Daemon(cfgFor(via.url), { log: testLogger(), metrics: new Metrics() });
    let cut = false;
    try {
      await daemon.start();
      appendFileSync(log, lines(0, 1000));
      await waitFor(async () => (await countDocs(target)) === 1000, 60_000, 'the first 1000 documents', 200);
      await via.cut();
      cut = true;
      appendFileSync(log, lines(1000, 2000));
      const sink = daemon.sinks[0] as ElasticsearchSink;
      // the new events are in the spool (acknowledged) and their bulk requests fail
      await waitFor(() => sink.shipper.lastError !== null && sink.spool.backlogBytes >= Buffer.byteLength(lines(1000, 2000)), 60_000, 'failed bulk requests for the spooled events');
      await daemon.stop();
      // the same state, Elasticsearch reachable again
      daemon = new Daemon(cfgFor(testEsUrl()), { log: testLogger(), metrics: new Metrics() });
      await daemon.start();
      const sink2 = daemon.sinks[0] as ElasticsearchSink;
      await waitFor(() => sink2.shipper.healthy && sink2.spool.backlogBytes === 0 && sink2.shipper.status().in_flight_requests === 0, 60_000, 'the spool shipped');
      const seqs = (await allHits(target, ['seq'])).map((h) => h._source.seq as number).sort((a, b) => a - b);
      expect(seqs.length, 'documents').to.equal(2000);
      expect(seqs).to.deep.equal(Array.from({ length: 2000 }, (_, i) => i));
    } finally {
      if (!cut) await via.cut();
      await daemon.stop();
      tmp.cleanup();
    }
  });
});
