/**
 * A sink that takes many events at once (the event store and the Elasticsearch spool share one fsync
 * between them) is never handed more than half of `max_inflight_events`: while it writes one batch,
 * reading goes on into the other half. Before, with a bound near the sink's own cap, one batch could
 * hold every event in flight, and reading stopped until that batch was written.
 */
import { expect } from 'chai';
import { Pipeline, batchCap } from '../../src/runtime/pipeline';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { Metrics } from '../../src/core/metrics';
import { silentLogger } from '../../src/core/log';
import { tempDir } from '../helpers/temp-dir';
import { HeldSink, heldSpan as span } from '../helpers/held-sink';

describe('pipeline: a sink batch is at most half of the events in flight', () => {
  it('batchCap: the sink\'s cap or batch_size, and never over half the in-flight bound', () => {
    expect(batchCap({ maxBatchEvents: 16_384 }, { batchSize: 1000, maxInflightEvents: 2000 })).to.equal(1000);
    expect(batchCap({ maxBatchEvents: 16_384 }, { batchSize: 1000, maxInflightEvents: 20_000 })).to.equal(10_000);
    expect(batchCap({ maxBatchEvents: 16_384 }, { batchSize: 1000, maxInflightEvents: 40_000 })).to.equal(16_384);
    expect(batchCap({}, { batchSize: 1000, maxInflightEvents: 20_000 })).to.equal(1000);
    expect(batchCap({}, { batchSize: 1000, maxInflightEvents: 600 })).to.equal(300);
    expect(batchCap({}, { batchSize: 1000, maxInflightEvents: 1 })).to.equal(1);
  });

  it('hands the sink at most half of the events in flight while reading waits for room', async () => {
    const tmp = tempDir('pipeline-cap');
    try {
      const sink = new HeldSink();
      const p = new Pipeline({
        tracker: new AckTracker(new CheckpointRegistry(tmp.path)), rules: { process: () => undefined }, sinks: [sink],
        log: silentLogger(), metrics: new Metrics(), maxInflightEvents: 40, batchSize: 10, flushIntervalMs: 1,
      });
      // the first span goes out at once (a full batch_size); three more wait behind its write, filling the bound
      const submitted: Array<Promise<void>> = [];
      for (let i = 0; i < 4; i++) submitted.push(p.submit(span(i * 100, 10)));
      expect(sink.batches).to.deep.equal([10]);
      expect(p.inflightEvents).to.equal(40);
      // that write done: of the 30 waiting, 20 (half the bound) go into the next write, 10 stay queued
      // for the one after, and the reader has room again (before: all 30 in one write)
      sink.finishOne();
      await Promise.all(submitted);
      await new Promise((r) => setTimeout(r, 5));
      expect(sink.batches).to.deep.equal([10, 20]);
      sink.finishOne();
      await new Promise((r) => setTimeout(r, 5));
      expect(sink.batches).to.deep.equal([10, 20, 10]);
      sink.finishOne();
      await new Promise((r) => setTimeout(r, 5));
      expect(p.inflightEvents).to.equal(0);
    } finally {
      tmp.cleanup();
    }
  });
});
