import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanBuilder } from '../../collectors/file/span-builder';
import { newNdjsonStats } from '../../collectors/ndjson/ndjson';
import { resetShapePlans, planStats } from '../../collectors/ndjson/shape-plans';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { silentLogger } from '../../src/core/log';
import type { EventDoc } from '../../src/core/event';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { readStore } from '../helpers/event-store';
import { waitFor } from '../helpers/wait';

/**
 * A line without a usable time of its own (not JSON, no timestamp field, one that does not parse)
 * takes the time of the previous event of its file, tagged `vigil_timestamp_inferred`; only a file's
 * lines before its first timed one keep ingest time (SPEC sections 1 and 2).
 */

/** the events of these lines, read by the file collector's span builder as one file */
function readLines(lines: string[], builder = new SpanBuilder({ source: 'file:x', identity: 'x', path: 'x.ndjson', hostName: 'h', dataset: 'x', stats: newNdjsonStats() })): EventDoc[] {
  builder.begin('x.ndjson');
  let offset = 0;
  for (const l of lines) {
    const buf = Buffer.from(l);
    builder.onLine(buf, offset, offset + buf.length + 1, false);
    offset += buf.length + 1;
  }
  return builder.finish()!.events.map((e) => e.doc);
}

describe('a line without a time of its own', () => {
  it('takes the time of the line before it in its file, with the tag; before the first timed line, ingest time and no tag', () => {
    const docs = readLines([
      'booting',                                                        // nothing before it: ingest time
      '{"@timestamp":"2026-01-05T08:00:00.000Z","msg":"up"}',
      'Traceback (most recent call last):',                            // not JSON
      '{"msg":"no time field"}',
      '{"time":"yesterday-ish","msg":"a time that does not parse"}',
      '{"@timestamp":"2026-01-05T08:00:07.000Z","msg":"later","tags":["mine"]}',
      '{"msg":"after that","tags":["mine"]}',
    ]);
    const ingested = (docs[0].event as { ingested: string }).ingested;
    expect(docs.map((d) => [d['@timestamp'], d.tags ?? null])).to.deep.equal([
      [ingested, ['vigil_json_parse_failure']],
      ['2026-01-05T08:00:00.000Z', null],
      ['2026-01-05T08:00:00.000Z', ['vigil_json_parse_failure', 'vigil_timestamp_inferred']],
      ['2026-01-05T08:00:00.000Z', ['vigil_timestamp_inferred']],
      ['2026-01-05T08:00:00.000Z', ['vigil_timestamp_missing', 'vigil_timestamp_inferred']],
      ['2026-01-05T08:00:07.000Z', ['mine']],
      ['2026-01-05T08:00:07.000Z', ['mine', 'vigil_timestamp_inferred']],
    ]);
  });

  it('is told apart from a timed line when the line was shaped by a compiled plan', () => {
    resetShapePlans();
    const planned = planStats.planned;
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ '@timestamp': `2026-01-05T08:00:${String(i).padStart(2, '0')}.000Z`, level: 'info', msg: `m${i}` }));
    for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ level: 'info', msg: `untimed ${i}` }));
    const docs = readLines(lines);
    expect(planStats.planned).to.be.greaterThan(planned); // both layouts ran on plans
    expect(docs[39]['@timestamp']).to.equal('2026-01-05T08:00:39.000Z');
    expect(docs[39].tags).to.equal(undefined);
    for (const d of docs.slice(40)) expect([d['@timestamp'], d.tags]).to.deep.equal(['2026-01-05T08:00:39.000Z', ['vigil_timestamp_inferred']]);
  });

  it('in the daemon: a plain-text line of a backlog is stored with the time of the line before it', async () => {
    const tmp = tempDir('inferred');
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'auth.ndjson'), [
      '{"@timestamp":"2026-01-05T08:00:00.000Z","event":{"code":"4625"},"n":1}',
      'sshd[4242]: connection reset by peer',
      '{"@timestamp":"2026-01-05T08:00:05.000Z","event":{"code":"4625"},"n":3}',
      '',
    ].join('\n'));
    const daemon = new Daemon(testConfig(tmp.path, [join(logs, '*.ndjson')]), { log: silentLogger(), metrics: new Metrics() });
    await daemon.start();
    try {
      await waitFor(() => readStore(join(tmp.path, 'events')).length === 3, 20_000, 'the three lines');
      const plain = readStore(join(tmp.path, 'events')).find((e) => e.message === 'sshd[4242]: connection reset by peer')!;
      expect(plain['@timestamp']).to.equal('2026-01-05T08:00:00.000Z');
      expect(plain.tags).to.deep.equal(['vigil_json_parse_failure', 'vigil_timestamp_inferred']);
    } finally {
      await daemon.stop();
      tmp.cleanup();
    }
  });
});
