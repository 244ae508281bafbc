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
import type { EventSink } from '../../src/core/contracts/event-sink';
import type { PipelineEvent, Span } from '../../src/core/event';
import { tempDir } from '../helpers/temp-dir';

/** A sink whose writes finish when told to; `eager` says whether it flushes when the inputs are caught up. */
class HeldSink implements EventSink {
  readonly concurrency = 1;
  batches: number[] = [];
  private release: Array<() => void> = [];
  constructor(readonly name: string, readonly flushWhenCaughtUp: boolean) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  health() { return { ok: true }; }
  write(events: PipelineEvent[]): Promise<void> {
    this.batches.push(events.length);
    return new Promise((r) => this.release.push(r));
  }
  finishOne(): void { this.release.shift()?.(); }
}

function span(start: number, n: number): Span {
  const sp: Span = { source: 's', start, end: start + n * 10, pending: 0, events: [] };
  for (let i = 0; i < n; i++) sp.events.push({ id: `e${start + i}`, doc: { '@timestamp': '2026-01-01T00:00:00.000Z' }, span: sp } as PipelineEvent);
  return sp;
}

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
