/**
 * A partial batch waits for the flush interval, except for a sink that says a partial batch costs it no
 * more than a full one (the event store): that one gets it as soon as a collector is caught up. Before,
 * the event store got the last lines of a burst only after the flush interval (200 ms by default).
 */
import { expect } from 'chai';
import { Pipeline } from '../../src/runtime/pipeline';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { Metrics } from '../../src/core/metrics';
import { silentLogger } from '../../src/core/log';
import { tempDir } from '../helpers/temp-dir';
import { HeldSink, heldSpan as span } from '../helpers/held-sink';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('pipeline: partial batches when the inputs are caught up', () => {
  let tmp: ReturnType<typeof tempDir>;
  let eager: HeldSink, patient: HeldSink, p: Pipeline;
  beforeEach(() => {
    tmp = tempDir('pipeline-caught-up');
    eager = new HeldSink('eager', true);
    patient = new HeldSink('patient', false);
    p = new Pipeline({
      tracker: new AckTracker(new CheckpointRegistry(tmp.path)), rules: { process: () => undefined }, sinks: [eager, patient],
      log: silentLogger(), metrics: new Metrics(), maxInflightEvents: 1000, batchSize: 100, flushIntervalMs: 60_000,
    });
  });
  afterEach(async () => {
    for (let i = 0; i < 5; i++) { eager.finishOne(); patient.finishOne(); }
    await p.drain(1000);
    tmp.cleanup();
  });

  it('a partial batch waits for the interval until the inputs are caught up; then only the eager sink gets it', async () => {
    await p.submit(span(0, 7));
    await tick();
    expect(eager.batches).to.deep.equal([]);
    expect(patient.batches).to.deep.equal([]);
    p.caughtUp();
    await tick();
    expect(eager.batches).to.deep.equal([7]);
    expect(patient.batches).to.deep.equal([], 'a sink without flushWhenCaughtUp keeps waiting for the flush interval');
  });

  it('what is queued behind a running write goes when that write ends', async () => {
    await p.submit(span(0, 3));
    p.caughtUp();
    await tick();
    expect(eager.batches).to.deep.equal([3]);
    await p.submit(span(100, 4));
    await p.submit(span(200, 5));
    p.caughtUp();
    await tick();
    expect(eager.batches).to.deep.equal([3], 'one write at a time');
    eager.finishOne();
    await tick();
    expect(eager.batches).to.deep.equal([3, 9]);
    // nothing was queued when the next span came: it waits for the interval (or the next caught-up) again
    await p.submit(span(300, 2));
    eager.finishOne();
    await tick();
    expect(eager.batches).to.deep.equal([3, 9]);
    p.caughtUp();
    await tick();
    expect(eager.batches).to.deep.equal([3, 9, 2]);
  });
});
