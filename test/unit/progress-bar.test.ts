import { expect } from 'chai';
import { ProgressBar } from '../../src/cli/progress-bar';

/** A terminal stand-in that records what is written, with a clock the test moves. */
function terminal(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  const clock = { t: 1_000_000 };
  return { stream: { isTTY, columns, write: (s: string) => { writes.push(s); return true; } }, writes, clock, now: () => clock.t };
}

describe('progress bar (vigil evtx, vigil backtest)', () => {
  it('draws nothing when the stream is not a terminal (a pipe or a file)', () => {
    const term = terminal(false);
    const bar = new ProgressBar(term.stream, 1000, { unit: 'records', now: term.now });
    term.clock.t += 5000;
    bar.update(500, 10);
    bar.finish('done');
    expect(term.writes).to.deep.equal([]);
    expect(bar.enabled).to.equal(false);
  });

  it('waits before drawing, redraws at most every interval, and clears its line with the summary', () => {
    const term = terminal(true);
    const bar = new ProgressBar(term.stream, 100 * 1048576, { unit: 'records', now: term.now, delayMs: 300, intervalMs: 100 });
    term.clock.t += 200;
    bar.update(10 * 1048576, 1000);
    expect(term.writes, 'short work draws nothing').to.have.length(0);
    term.clock.t += 800; // 1 s in, 25 % done
    bar.update(25 * 1048576, 5000);
    expect(term.writes).to.have.length(1);
    expect(term.writes[0].startsWith('\r\x1b[K[')).to.equal(true);
    expect(term.writes[0]).to.contain(' 25% 25.0/100 MB 5,000 records 5,000/s ETA 0:03');
    term.clock.t += 50;
    bar.update(26 * 1048576, 5200);
    expect(term.writes, 'throttled').to.have.length(1);
    term.clock.t += 60;
    bar.update(50 * 1048576, 9000);
    expect(term.writes).to.have.length(2);
    bar.finish('9,000 records');
    expect(term.writes.slice(2)).to.deep.equal(['\r\x1b[K', '9,000 records\n']);
  });

  it('fills in proportion, never passes 100 %, and fits narrow terminals', () => {
    const term = terminal(true, 120);
    const bar = new ProgressBar(term.stream, 1000, { unit: 'events', now: term.now });
    term.clock.t += 2000;
    const half = bar.line(500, 10);
    const inside = /^\[([^\]]*)\]/.exec(half)![1];
    expect(inside.length).to.equal(40);
    expect(inside.indexOf('>')).to.equal(19);
    expect(inside.replace(/[^=]/g, '')).to.have.length(19);
    const over = bar.line(5000, 10);
    expect(/^\[(=+)\]/.exec(over)![1]).to.have.length(40);
    expect(over).to.contain('100%').and.not.contain('ETA');
    const narrow = new ProgressBar(terminal(true, 30).stream, 1000, { unit: 'events', now: term.now });
    expect(narrow.line(500, 10).length).to.be.at.most(29);
    const mid = new ProgressBar(terminal(true, 70).stream, 1000, { unit: 'events', now: term.now });
    expect(mid.line(500, 10).length).to.be.at.most(69);
    expect(mid.line(500, 10)).to.match(/^\[[= >]+\]  50%/);
  });

  it('a total that is a count (events of a search): done/total events, rate and ETA, no megabytes', () => {
    const term = terminal(true, 100);
    const bar = new ProgressBar(term.stream, 40_000, { unit: 'events', now: term.now, delayMs: 0, intervalMs: 0, totalIsCount: true });
    term.clock.t += 2000; // 2 s in, 10,000 of 40,000: 5,000/s, 6 s to go
    expect(bar.line(10_000, 10_000)).to.match(/\]  25% 10,000\/40,000 events 5,000\/s ETA 0:06$/);
    expect(bar.line(10_000, 10_000)).to.not.contain('MB');
  });
});
