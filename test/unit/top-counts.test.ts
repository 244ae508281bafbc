import { expect } from 'chai';
import { RulesEngine } from '../../rules/engine';
import { silentLogger } from '../../src/core/log';
import type { AlertChange } from '../../rules/alerts/lifecycle';
import { rulesOf } from '../helpers/rules-text';

const T0 = Date.UTC(2026, 0, 1, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const LOGONS = `
rules:
  - id: logons
    type: threshold
    where: 'event.code: 4625'
    group_by: [host.name]
    threshold: 5
    window: 1m
    realert: 10m
    notify_resolved: true
    include: [user.name, source.ip]
    top_count_keys: [user.name, source.ip]
`;

function engineWith(yaml: string): { engine: RulesEngine; changes: AlertChange[]; ev: (s: number, fields: Record<string, unknown>) => void } {
  const engine = new RulesEngine(silentLogger());
  engine.use(rulesOf(yaml));
  const changes: AlertChange[] = [];
  const ev = (s: number, fields: Record<string, unknown>) => {
    changes.push(...engine.processDoc({ '@timestamp': at(s), event: { code: '4625' }, host: { name: 'web1' }, message: 'An account failed to log on', ...fields }));
  };
  return { engine, changes, ev };
}

describe('top_count_keys and include', () => {
  it('counts the top values of each field among the events of the window that fired, and nothing outside it', () => {
    const { changes, ev } = engineWith(LOGONS);
    ev(-120, { user: { name: 'zed' }, source: { ip: '9.9.9.9' } }); // two minutes before: outside the window
    ev(0, { user: { name: 'alice' }, source: { ip: '1.1.1.1' } });
    ev(10, { user: { name: 'alice' }, source: { ip: '1.1.1.1' } });
    ev(20, { user: { name: 'bob' }, source: { ip: '1.1.1.1' } });
    ev(30, { user: { name: 'alice' }, source: { ip: '2.2.2.2' } });
    expect(changes).to.have.length(0);
    ev(40, { source: { ip: '1.1.1.1' } }); // the 5th within [0 s, 60 s): fires; no user.name
    expect(changes).to.have.length(1);
    const a = changes[0].alert;
    expect(a.window).to.deep.equal({ start: at(0), end: at(60) });
    // by count, then by value (a missing field is null, after the strings)
    expect(a.top_counts).to.deep.equal([
      { field: 'user.name', values: [{ value: 'alice', count: 3 }, { value: 'bob', count: 1 }, { value: null, count: 1 }], others: 0 },
      { field: 'source.ip', values: [{ value: '1.1.1.1', count: 4 }, { value: '2.2.2.2', count: 1 }], others: 0 },
    ]);
    // include: exactly these fields after @timestamp, in this order
    expect(a.sample_fields).to.deep.equal(['@timestamp', 'user.name', 'source.ip']);
    expect(a.samples[a.samples.length - 1]).to.deep.equal({ '@timestamp': at(40), 'source.ip': '1.1.1.1' });
    expect(Object.keys(a.samples[1])).to.deep.equal(['@timestamp', 'user.name', 'source.ip']);
  });

  it('a resolved alert shows the top values of the window that fired', () => {
    const { changes, ev } = engineWith(LOGONS);
    for (let i = 0; i < 5; i++) ev(i, { user: { name: i < 3 ? 'alice' : 'bob' }, source: { ip: '1.1.1.1' } });
    ev(600, { user: { name: 'carol' }, event: { code: '4624' } }); // another code: moves event time only
    const states = changes.map((c) => c.alert.state);
    expect(states).to.deep.equal(['firing', 'resolved']);
    const want = [{ field: 'user.name', values: [{ value: 'alice', count: 3 }, { value: 'bob', count: 2 }], others: 0 }, { field: 'source.ip', values: [{ value: '1.1.1.1', count: 5 }], others: 0 }];
    expect(changes[0].alert.top_counts).to.deep.equal(want);
    expect(changes[1].alert.top_counts).to.deep.equal(want);
  });

  it('shows 5 values and counts the rest as others, also the values past the cap of 100 per group; array elements count each', () => {
    const { changes, ev } = engineWith(LOGONS.replace('threshold: 5', 'threshold: 107').replace('window: 1m', 'window: 10m'));
    // u000 three times, u001..u104 once: 105 distinct values, 107 events
    let s = 0;
    for (let k = 0; k < 3; k++) ev(s++, { user: { name: 'u000' }, source: { ip: ['1.1.1.1', '2.2.2.2'] } });
    for (let i = 1; i <= 104; i++) ev(s++, { user: { name: `u${String(i).padStart(3, '0')}` }, source: { ip: '1.1.1.1' } });
    expect(changes).to.have.length(1);
    const [users, ips] = changes[0].alert.top_counts!;
    expect(users.values).to.deep.equal([
      { value: 'u000', count: 3 }, { value: 'u001', count: 1 }, { value: 'u002', count: 1 }, { value: 'u003', count: 1 }, { value: 'u004', count: 1 },
    ]);
    expect(users.others).to.equal(107 - 7);
    // 107 events with 1.1.1.1, the first three with 2.2.2.2 as well
    expect(ips).to.deep.equal({ field: 'source.ip', values: [{ value: '1.1.1.1', count: 107 }, { value: '2.2.2.2', count: 3 }], others: 0 });
  });

  it('a pattern rule counts the window up to and including the match', () => {
    const { changes, ev } = engineWith(`
rules:
  - id: lockouts
    type: pattern
    where: 'event.code: 4740'
    window: 1m
    realert: 0s
    top_count_keys: [user.name]
`);
    ev(0, { event: { code: '4740' }, user: { name: 'carol' } });
    ev(30, { event: { code: '4740' }, user: { name: 'dave' } });
    ev(70, { event: { code: '4740' }, user: { name: 'carol' } }); // window (10 s, 70 s]: dave at 30 s, carol at 70 s
    const firing = changes.filter((c) => c.alert.state === 'firing');
    expect(firing.map((c) => c.alert.top_counts![0].values)).to.deep.equal([
      [{ value: 'carol', count: 1 }],
      [{ value: 'carol', count: 1 }, { value: 'dave', count: 1 }],
      [{ value: 'carol', count: 1 }, { value: 'dave', count: 1 }],
    ]);
  });

  it('keeps its counts in the checkpointed state (restore mid-window) and forgets them once no window can reach them', () => {
    const first = engineWith(LOGONS);
    for (let i = 0; i < 3; i++) first.ev(i, { user: { name: 'alice' }, source: { ip: '1.1.1.1' } });
    const state = JSON.parse(JSON.stringify(first.engine.snapshot())) as unknown;
    const engine = new RulesEngine(silentLogger());
    engine.restore(state);
    engine.use(rulesOf(LOGONS));
    const changes: AlertChange[] = [];
    for (let i = 3; i < 5; i++) changes.push(...engine.processDoc({ '@timestamp': at(i), event: { code: '4625' }, host: { name: 'web1' }, user: { name: 'bob' }, source: { ip: '1.1.1.1' } }));
    expect(changes).to.have.length(1);
    expect(changes[0].alert.top_counts![0].values).to.deep.equal([{ value: 'alice', count: 3 }, { value: 'bob', count: 2 }]);
    type Snap = { rules: Record<string, { lifecycle: { top: { groups: unknown[] } } }> };
    expect((engine.snapshot() as unknown as Snap).rules.logons.lifecycle.top.groups).to.have.length(1);
    // kept for 2 windows + the allowed lateness behind the watermark (itself the allowed lateness behind the newest event)
    engine.processDoc({ '@timestamp': at(4 + 4 * 60 - 1), event: { code: '4624' } });
    expect((engine.snapshot() as unknown as Snap).rules.logons.lifecycle.top.groups).to.have.length(1);
    engine.processDoc({ '@timestamp': at(4 + 4 * 60 + 2), event: { code: '4624' } });
    expect((engine.snapshot() as unknown as Snap).rules.logons.lifecycle.top.groups).to.have.length(0);
  });

  it('counts per rule the events matched and the alerts fired and resolved, and lists those firing', () => {
    const { engine, ev } = engineWith(LOGONS);
    for (let i = 0; i < 6; i++) ev(i, { user: { name: 'alice' } });
    expect(engine.activity()).to.deep.equal([{
      rule: 'logons', matched: 6, fired: 1, resolved: 0,
      firing: [{ rule: 'logons', id: engine.activity()[0].firing[0].id, group: { 'host.name': 'web1' }, since: at(4), count: 5 }],
    }]);
    ev(600, { event: { code: '4624' } });
    expect(engine.activity()[0]).to.deep.include({ matched: 6, fired: 1, resolved: 1, firing: [] });
  });
});
