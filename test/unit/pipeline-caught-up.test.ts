/**
 * A partial batch waits for the flush interval, except when a collector is caught up: a sink that says a
 * partial batch costs it no more than a full one (the event store) gets it then, and any other sink too
 * when it was handed nothing for a flush interval. Before, the event store got the last lines of a burst,
 * and Elasticsearch the first events after a quiet spell, only after the flush interval (200 ms by default).
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

  it('a partial batch waits for the interval until the inputs are caught up; then the eager sink gets it, and a patient one only after a quiet interval', async () => {
    await p.submit(span(0, 7));
    await tick();
    expect(eager.batches).to.deep.equal([]);
    expect(patient.batches).to.deep.equal([]);
    p.caughtUp();
    await tick();
    expect(eager.batches).to.deep.equal([7]);
    // the patient sink was handed nothing for a flush interval (ever): the first events after a quiet spell go at once
    expect(patient.batches).to.deep.equal([7]);
    eager.finishOne();
    patient.finishOne();
    await tick();
    // the next ones within the interval: the eager sink at once, the patient one waits (one partial request an interval)
    await p.submit(span(100, 3));
    p.caughtUp();
    await tick();
    expect(eager.batches).to.deep.equal([7, 3]);
    expect(patient.batches).to.deep.equal([7], 'a sink without flushWhenCaughtUp handed a batch within the interval keeps waiting for it');
  });

  it('a patient sink\'s partial batch goes when caught up once a flush interval has passed since it was handed one', async () => {
    const tmp2 = tempDir('pipeline-caught-up-interval');
    const s = new HeldSink('patient', false);
    const q = new Pipeline({
      tracker: new AckTracker(new CheckpointRegistry(tmp2.path)), rules: { process: () => undefined }, sinks: [s],
      log: silentLogger(), metrics: new Metrics(), maxInflightEvents: 1000, batchSize: 100, flushIntervalMs: 300,
    });
    try {
      await q.submit(span(0, 100)); // a full batch: handed on at once
      expect(s.batches).to.deep.equal([100]);
      s.finishOne();
      await tick(150);
      await q.submit(span(200, 2));
      q.caughtUp();
      await tick();
      expect(s.batches).to.deep.equal([100], 'handed a batch 150 ms ago: waits');
      await tick(320); // the interval, counted from when the 2 were queued, has passed
      expect(s.batches).to.deep.equal([100, 2]);
      s.finishOne();
      await tick(350);
      await q.submit(span(300, 4));
      q.caughtUp();
      await tick();
      expect(s.batches).to.deep.equal([100, 2, 4], 'quiet for an interval: at once');
      s.finishOne();
    } finally {
      await q.drain(1000);
      tmp2.cleanup();
    }
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
