import { expect } from 'chai';
import type { EventDoc } from '../../src/core/event';
import type { InputEvents } from '../../rules/backtest/input-events';
import { mergeByTime, type PendingInput } from '../../rules/backtest/merge-by-time';

const T0 = Date.UTC(2026, 0, 5, 8);

/** An input of events at the given offsets (seconds from T0; null = a timestamp that does not parse). */
function input(file: string, seconds: (number | null)[], log: string[]): PendingInput {
  const docs: EventDoc[] = seconds.map((s, i) => ({ '@timestamp': s === null ? 'not a time' : new Date(T0 + s * 1000).toISOString(), message: `${file}#${i}` }));
  return {
    file,
    first: seconds[0] === null || seconds[0] === undefined ? Infinity : T0 + seconds[0] * 1000,
    open: (): InputEvents => {
      log.push(`open ${file}`);
      async function* events(): AsyncGenerator<EventDoc, void, undefined> {
        try {
          for (const d of docs) yield d;
        } finally {
          log.push(`close ${file}`);
        }
      }
      return { file, kind: 'ndjson', events: events(), position: () => 0, problems: () => [] };
    },
  };
}

async function messages(pending: PendingInput[]): Promise<string[]> {
  const out: string[] = [];
  for await (const { doc } of mergeByTime(pending)) out.push(String(doc.message));
  return out;
}

describe('backtest: inputs merged by event time', () => {
  it('interleaves files by event time and keeps each file in its own order (a late line stays late)', async () => {
    const log: string[] = [];
    const got = await messages([
      input('security', [0, 10, 20, 5, 30], log), // #3 is late within its own file
      input('system', [1, 11, 25], log),
    ]);
    expect(got).to.deep.equal(['security#0', 'system#0', 'security#1', 'system#1', 'security#2', 'security#3', 'system#2', 'security#4']);
  });

  it('opens a file only when the replay reaches its first event, and closes each when done', async () => {
    const log: string[] = [];
    const pending = [input('day2', [86_400, 86_401], log), input('day1', [0, 1, 2], log), input('day1-late', [2, 3], log)];
    const seen: string[] = [];
    for await (const { doc } of mergeByTime(pending)) seen.push(`${String(doc.message)} [${log.join(', ')}]`);
    expect(seen[0]).to.equal('day1#0 [open day1]');
    // day1-late opens when day1 reaches t=2 (equal times: the file given first goes first)
    expect(seen.slice(1, 5)).to.deep.equal([
      'day1#1 [open day1]', 'day1#2 [open day1, open day1-late]', 'day1-late#0 [open day1, open day1-late, close day1]', 'day1-late#1 [open day1, open day1-late, close day1]',
    ]);
    expect(log.indexOf('open day2')).to.be.greaterThan(log.indexOf('close day1'));
    expect(log.filter((l) => l.startsWith('close'))).to.have.length(3);
  });

  it('puts an event without a usable time right after the event before it in its file', async () => {
    const log: string[] = [];
    const got = await messages([input('a', [0, null, 10], log), input('b', [5, 6], log)]);
    expect(got).to.deep.equal(['a#0', 'a#1', 'b#0', 'b#1', 'a#2']);
  });

  it('closes the open files when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const { doc } of mergeByTime([input('a', [0, 2, 4], log), input('b', [1, 3], log)])) {
      if (doc.message === 'b#0') break;
    }
    expect(log.sort()).to.deep.equal(['close a', 'close b', 'open a', 'open b']);
  });
});
