import { expect } from 'chai';
import { PollingLoop } from '../../collectors/polling-loop';
import { captureLogger } from '../helpers/logger';

const HOUR = 3_600_000;

/** A promise resolved from outside, to wait for a turn to have happened (no fixed sleeps). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('collectors: the polling loop', function () {
  this.timeout(10_000); // a stop that does not wake the sleep hangs for an hour: this bound turns it red

  it('waits what a turn asks, and stop() wakes that wait and ends the loop', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log);
    let turns = 0;
    const first = signal();
    expect(loop.start([{ turn: async () => { turns++; first.resolve(); return HOUR; }, fields: {}, failed: 'x' }])).to.equal(true);
    await first.promise;
    expect(loop.running).to.equal(true);
    await loop.stop();
    expect(loop.running).to.equal(false);
    expect(turns).to.equal(1);
  });

  it('runs the next turn at once when a turn asks for no wait; a turn sees running turn false at stop()', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log);
    let turns = 0;
    const third = signal();
    const inTurn = signal();
    let sawStop = false;
    loop.start([{
      turn: async () => {
        turns++;
        if (turns < 3) return 0;
        third.resolve();
        // a long read checks running and waits through the loop's sleep (stop() wakes it)
        inTurn.resolve();
        while (loop.running) await loop.sleep(HOUR);
        sawStop = true;
        return HOUR;
      },
      fields: {}, failed: 'x',
    }]);
    await third.promise;
    await inTurn.promise;
    await loop.stop();
    expect(turns).to.equal(3);
    expect(sawStop).to.equal(true);
    // stopped: a sleep returns at once
    await loop.sleep(HOUR);
  });

  it('a turn that throws: reported (log with the fields and stack, lastError), and that loop stops', async () => {
    const { log, lines } = captureLogger();
    const loop = new PollingLoop(log);
    let turns = 0;
    loop.start([{ turn: async () => { turns++; throw new Error('disk on fire'); }, fields: { input: 'in-1' }, failed: 'collector stopped on an unexpected error' }]);
    while (!loop.lastError) await new Promise((r) => setImmediate(r));
    await loop.stop();
    expect(turns).to.equal(1);
    expect(loop.lastError).to.equal('disk on fire');
    const line = lines.find((l) => l.msg === 'collector stopped on an unexpected error');
    expect(line).to.include({ level: 50, input: 'in-1' });
    expect(String(line?.err)).to.contain('disk on fire');
  });

  it('with retryAfter a loop goes on after a turn threw; onError takes the message instead of lastError', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log);
    const errors: string[] = [];
    let turns = 0;
    const again = signal();
    loop.start([{
      turn: async () => { turns++; if (turns === 1) throw new Error('once'); again.resolve(); return HOUR; },
      fields: {}, failed: 'x', retryAfter: () => 1, onError: (m) => errors.push(m),
    }]);
    await again.promise;
    await loop.stop();
    expect(turns).to.equal(2);
    expect(errors).to.deep.equal(['once']);
    expect(loop.lastError).to.equal(null);
  });

  it('runs one loop per task: one that stops on an error leaves the others going; stop() ends them all', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log);
    let good = 0;
    const goodTwice = signal();
    const badFailed = signal();
    loop.start([
      { turn: async () => { throw new Error('bad channel'); }, fields: { channel: 'bad' }, failed: 'x', onError: () => badFailed.resolve() },
      { turn: async () => { good++; if (good === 2) goodTwice.resolve(); return good < 2 ? 1 : HOUR; }, fields: { channel: 'good' }, failed: 'x' },
    ]);
    await badFailed.promise;
    await goodTwice.promise;
    await loop.stop();
    expect(good).to.equal(2);
  });

  it('start() while running does nothing; after stop() it starts again; paused is kept for the turns to read', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log);
    let turns = 0;
    let pausedSeen: boolean | null = null;
    let turned = signal();
    const task = { turn: async () => { turns++; pausedSeen = loop.paused; turned.resolve(); return HOUR; }, fields: {}, failed: 'x' };
    loop.paused = true;
    expect(loop.start([task])).to.equal(true);
    expect(loop.start([task])).to.equal(false);
    await turned.promise;
    await loop.stop();
    expect(turns).to.equal(1);
    expect(pausedSeen).to.equal(true);
    turned = signal();
    loop.paused = false;
    expect(loop.start([task])).to.equal(true);
    await turned.promise;
    await loop.stop();
    expect(turns).to.equal(2);
    expect(pausedSeen).to.equal(false);
  });
  it('wake() ends the wait between turns early, and a wake during a turn brings the next turn on after it', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log);
    let turns = 0;
    const waiting = [signal(), signal(), signal()];
    loop.start([{
      turn: async () => {
        turns++;
        if (turns === 2) loop.wake(); // notified while reading: not lost
        waiting[Math.min(turns, 3) - 1].resolve();
        return HOUR;
      },
      fields: {}, failed: 'x',
    }]);
    await waiting[0].promise;
    loop.wake();
    await waiting[1].promise;
    await waiting[2].promise;
    await loop.stop();
    expect(turns).to.equal(3);
  });

  it('wakes come at most once per wakeGapMs of turns: a burst of 300 wakes makes a few turns, not 300', async () => {
    const { log } = captureLogger();
    const loop = new PollingLoop(log, 100);
    let turns = 0;
    loop.start([{ turn: async () => { turns++; return HOUR; }, fields: {}, failed: 'x' }]);
    const t0 = Date.now();
    for (let i = 0; i < 300; i++) {
      loop.wake();
      await new Promise((r) => setTimeout(r, 1));
    }
    const burstMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 150)); // the trailing wake's turn
    await loop.stop();
    // one turn per 100 ms gap at most over the burst (300 ms at least), plus the first turn and the trailing one
    expect(turns).to.be.at.least(3);
    expect(turns).to.be.at.most(Math.ceil(burstMs / 100) + 2);
  });
});
