import { expect } from 'chai';
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { silentLogger } from '../../src/core/log';
import { Metrics } from '../../src/core/metrics';
import type { EventSink, SinkHealth } from '../../src/core/contracts/event-sink';
import type { PipelineEvent } from '../../src/core/event';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { readStore } from '../helpers/event-store';
import { waitFor, sleep } from '../helpers/wait';

/** A sink that takes events only when the test lets it. */
class GatedSink implements EventSink {
  readonly name = 'gated';
  readonly concurrency = 1;
  got: PipelineEvent[] = [];
  open = false;
  async start(): Promise<void> {}
  async write(events: PipelineEvent[]): Promise<void> {
    while (!this.open) await sleep(10);
    this.got.push(...events);
  }
  async stop(): Promise<void> {}
  health(): SinkHealth { return { ok: true }; }
}

describe('file collector', function () {
  this.timeout(60_000);

  it('reads 300 files with at most 16 open at once, every line once', async () => {
    const tmp = tempDir('many');
    const logs = join(tmp.path, 'logs');
    mkdirSync(join(logs, 'nested', 'deeper'), { recursive: true });
    for (let f = 0; f < 300; f++) {
      const dir = f % 3 === 0 ? logs : f % 3 === 1 ? join(logs, 'nested') : join(logs, 'nested', 'deeper');
      const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ msg: `f${f} l${i}`, f, i }));
      writeFileSync(join(dir, `app-${f}.ndjson`), `${lines.join('\n')}\n`);
    }
    const metrics = new Metrics();
    const daemon = new Daemon(testConfig(tmp.path, [join(logs, '**', '*.ndjson')], { max_open_files: 16, close_inactive_ms: 60_000 }), { log: silentLogger(), metrics });
    let maxOpen = 0;
    const watch = setInterval(async () => {
      const g = await metrics.registry.getSingleMetric('vigil_file_open')!.get();
      maxOpen = Math.max(maxOpen, ...g.values.map((v) => v.value));
    }, 5);
    await daemon.start();
    try {
      await waitFor(() => readStore(join(tmp.path, 'events')).length >= 6000, 40_000, '6000 events', 100);
      await sleep(300);
      const ev = readStore(join(tmp.path, 'events'));
      expect(ev.length).to.equal(6000);
      expect(new Set(ev.map((e) => `${e.f}/${e.i}`)).size).to.equal(6000);
      expect(maxOpen).to.be.at.most(16);
      expect(maxOpen).to.be.greaterThan(0);
      // a file that was closed for the cap is opened again when it grows
      appendFileSync(join(logs, 'app-0.ndjson'), '{"msg":"late","f":0,"i":20}\n');
      await waitFor(() => readStore(join(tmp.path, 'events')).length === 6001, 20_000, 'the appended line');
    } finally {
      clearInterval(watch);
      await daemon.stop();
      tmp.cleanup();
    }
  });

  it('stops reading while the sinks are full, and goes on when they take events again', async () => {
    const tmp = tempDir('bp');
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    const lines = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ msg: `m${i}`, i }));
    writeFileSync(join(logs, 'big.ndjson'), `${lines.join('\n')}\n`);
    const sink = new GatedSink();
    const metrics = new Metrics();
    const cfg = testConfig(tmp.path, [join(logs, '*.ndjson')], {}, { pipeline: { max_inflight_events: 3000, batch_size: 500, flush_interval_ms: 20, checkpoint_interval_ms: 100 } });
    const daemon = new Daemon(cfg, { log: silentLogger(), metrics, sinks: [sink] });
    await daemon.start();
    try {
      const readSoFar = async () => (await metrics.registry.getSingleMetric('vigil_pipeline_events_total')!.get()).values[0]?.value ?? 0;
      await sleep(1000);
      const read = await readSoFar();
      // the bound is checked between reads: one read (256 KiB) may go past it before the collector waits
      const shortest = Math.min(...lines.map((l) => l.length + 1));
      expect(read).to.be.greaterThan(0);
      expect(read).to.be.at.most(3000 + Math.ceil((256 * 1024) / shortest));
      expect(read).to.be.lessThan(50_000);
      await sleep(1000);
      expect(await readSoFar(), 'nothing more is read while the sink is full').to.equal(read);
      expect(daemon.pipeline.inflightEvents).to.equal(read);
      expect(daemon.registry.get([...daemon.registry.entries()][0][0])?.offset ?? 0, 'no checkpoint before the sink has events').to.equal(0);
      sink.open = true;
      await waitFor(() => sink.got.length === 50_000, 30_000, 'all events once the sink takes them');
      expect(new Set(sink.got.map((e) => e.doc.i)).size).to.equal(50_000);
      await waitFor(() => [...daemon.registry.entries()][0][1].offset > 0, 5000, 'the checkpoint to move');
    } finally {
      sink.open = true;
      await daemon.stop();
      tmp.cleanup();
    }
  });

  it('commits the checkpoint at the end of what was acknowledged, and a restart reads only what is new', async () => {
    const tmp = tempDir('resume');
    const logs = join(tmp.path, 'logs');
    mkdirSync(logs);
    const file = join(logs, 'a.ndjson');
    writeFileSync(file, '{"msg":"one"}\n{"msg":"two"}\n{"msg":"par');
    const cfg = testConfig(tmp.path, [join(logs, '*.ndjson')]);
    let d = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
    await d.start();
    await waitFor(() => readStore(join(tmp.path, 'events')).length === 2, 10_000, 'two events');
    await d.stop();
    const entry = [...d.registry.entries()][0][1];
    expect(entry.offset, 'the partial line is not acknowledged').to.equal(Buffer.byteLength('{"msg":"one"}\n{"msg":"two"}\n'));
    appendFileSync(file, 'tial"}\n{"msg":"four"}\n');
    d = new Daemon(cfg, { log: silentLogger(), metrics: new Metrics() });
    await d.start();
    await waitFor(() => readStore(join(tmp.path, 'events')).length === 4, 10_000, 'four events');
    await sleep(300);
    await d.stop();
    const ev = readStore(join(tmp.path, 'events'));
    expect(ev.map((e) => e.message)).to.deep.equal(['one', 'two', 'partial', 'four']);
    expect(new Set(ev.map((e) => e._id)).size).to.equal(4);
    tmp.cleanup();
  });
});
