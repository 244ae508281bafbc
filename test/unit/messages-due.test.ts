import { expect } from 'chai';
import { messagesDue } from '../../sinks/notify/outbox/messages-due';
import type { OutboxEntry } from '../../sinks/notify/outbox/alert-outbox';
import type { Alert } from '../../rules';

/** An outbox entry of rule code-x for group seq=n, written at `created`, its alert's first event at `firstEvent`. */
function entry(key: string, seq: number, created: string, firstEvent: string): OutboxEntry {
  const alert = { id: key, rule: 'code-x', state: 'firing', group: { seq }, first_event: firstEvent, last_event: firstEvent } as unknown as Alert;
  return { key: `${key}-firing-hook`, notifier: 'hook', created, alert, group_window_ms: 1000 };
}

describe('outbox: the messages due', () => {
  it('a bundle lists its alerts in event time, whatever order the outbox wrote them in', () => {
    const created = '2026-05-01T10:00:00.000Z';
    // written in the same millisecond: the outbox lists them by key, which is a hash (here c, a, b)
    const entries = [
      entry('a', 1, created, '2026-05-01T00:00:01.000Z'),
      entry('b', 2, created, '2026-05-01T00:00:02.000Z'),
      entry('c', 0, created, '2026-05-01T00:00:00.000Z'),
    ];
    const due = messagesDue(entries, Date.parse(created) + 1000);
    expect(due).to.have.length(1);
    expect(due[0].entries.map((e) => (e.alert.group as { seq: number }).seq)).to.deep.equal([0, 1, 2]);
  });

  it('an entry alone in its window is its own message; one still collecting is not due', () => {
    const e = entry('a', 1, '2026-05-01T10:00:00.000Z', '2026-05-01T00:00:01.000Z');
    expect(messagesDue([e], Date.parse(e.created) + 999)).to.deep.equal([]);
    const due = messagesDue([e], Date.parse(e.created) + 1000);
    expect(due.map((m) => m.key)).to.deep.equal([e.key]);
  });
});
