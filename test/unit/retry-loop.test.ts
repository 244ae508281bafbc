import { expect } from 'chai';
import { retryLoop } from '../../src/core/retry/retry-loop';
import { attempt, done, giveUp, retry, type Outcome } from '../../src/core/retry/outcome';
import { Backoff } from '../../src/core/retry/backoff';

/** A fake clock for the loop: records each wait and returns at once. */
function fakeSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => { waits.push(ms); } };
}

/** An attempt that answers from a script, one outcome per call. */
function scripted<T>(outcomes: Array<Outcome<T>>): { calls: () => number; run: () => Promise<Outcome<T>> } {
  let n = 0;
  return { calls: () => n, run: async () => outcomes[n++] };
}

describe('core: the retry loop', () => {
  it('retries until done, with waits that double (jittered into their upper half) up to the cap', async () => {
    const { waits, sleep } = fakeSleep();
    const a = scripted<string>([retry(), retry(), retry(), retry(), retry(), done('ok')]);
    const end = await retryLoop(a.run, { baseMs: 100, maxMs: 500, sleep });
    expect(end).to.deep.equal({ kind: 'done', value: 'ok' });
    expect(a.calls()).to.equal(6);
    const ceilings = [100, 200, 400, 500, 500];
    expect(waits).to.have.length(5);
    waits.forEach((w, i) => expect(w).to.be.within(ceilings[i] / 2, ceilings[i]));
  });

  it('ends at once on give up, with its cause, and waits no more', async () => {
    const { waits, sleep } = fakeSleep();
    const a = scripted<void>([retry('busy'), giveUp('refused')]);
    const end = await retryLoop(a.run, { sleep });
    expect(end).to.deep.equal({ kind: 'give-up', cause: 'refused' });
    expect(waits).to.have.length(1);
  });

  it('a retry marked now goes again without waiting; atLeastMs lengthens a wait, never beyond the cap', async () => {
    const { waits, sleep } = fakeSleep();
    const a = scripted<void>([retry(null, { now: true }), retry(null, { atLeastMs: 5000 }), retry(null, { atLeastMs: 90_000 }), done()]);
    await retryLoop(a.run, { baseMs: 100, maxMs: 60_000, sleep });
    expect(a.calls()).to.equal(4);
    expect(waits).to.deep.equal([5000, 60_000]);
  });

  it('tells onRetry of each retry with its wait, before waiting', async () => {
    const { waits, sleep } = fakeSleep();
    const told: Array<[unknown, number]> = [];
    const a = scripted<void>([retry('first'), retry('second'), done()]);
    await retryLoop(a.run, { sleep, onRetry: (r, ms) => { told.push([r.cause, ms]); expect(waits).to.have.length(told.length - 1); } });
    expect(told.map(([c]) => c)).to.deep.equal(['first', 'second']);
    expect(told.map(([, ms]) => ms)).to.deep.equal(waits);
  });

  it('stops retrying when stopped says so, before the next wait, with the last cause', async () => {
    const { waits, sleep } = fakeSleep();
    let stopping = false;
    const end = await retryLoop(async () => { stopping = true; return retry('away'); }, { sleep, stopped: () => stopping });
    expect(end).to.deep.equal({ kind: 'give-up', cause: 'away' });
    expect(waits).to.deep.equal([]);
  });

  it('waitFirst begins with a wait (the caller made the first try) and does not report it', async () => {
    const { waits, sleep } = fakeSleep();
    let told = 0;
    const a = scripted<void>([retry(), done()]);
    await retryLoop(a.run, { baseMs: 1000, maxMs: 30_000, waitFirst: true, sleep, onRetry: () => { told++; } });
    expect(waits).to.have.length(2);
    expect(waits[0]).to.be.within(500, 1000);
    expect(waits[1]).to.be.within(1000, 2000);
    expect(told).to.equal(1);
  });

  it('waitFirst while already stopped tries nothing', async () => {
    const a = scripted<void>([done()]);
    const end = await retryLoop(a.run, { waitFirst: true, stopped: () => true, sleep: fakeSleep().sleep });
    expect(end.kind).to.equal('give-up');
    expect(a.calls()).to.equal(0);
  });

  it('attempt: a call that resolves is done with its value, one that throws is a retry with the error', async () => {
    expect(await attempt(async () => 7)).to.deep.equal({ kind: 'done', value: 7 });
    const err = new Error('disk full');
    const out = await attempt(async () => { throw err; });
    expect(out.kind).to.equal('retry');
    expect(out.kind === 'retry' && out.cause).to.equal(err);
  });

  it('waits for real by default (a short one)', async () => {
    let n = 0;
    const end = await retryLoop(async () => (++n < 2 ? retry() : done(n)), { baseMs: 2, maxMs: 2 });
    expect(end).to.deep.equal({ kind: 'done', value: 2 });
  });
});

describe('core: Backoff', () => {
  it('reset starts the waits over; atLeastMs is honoured up to the cap', () => {
    const b = new Backoff(100, 1000);
    for (let i = 0; i < 6; i++) b.next();
    expect(b.next()).to.be.within(500, 1000);
    b.reset();
    expect(b.next()).to.be.within(50, 100);
    expect(b.next(700)).to.equal(700);
    expect(b.next(5000)).to.equal(1000);
  });
});
