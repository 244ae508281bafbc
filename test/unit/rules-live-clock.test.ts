import { expect } from 'chai';
import { RulesEngine } from '../../rules/engine';
import type { AlertChange } from '../../rules/alerts/lifecycle';
import { silentLogger } from '../../src/core/log';
import type { PipelineEvent, Span } from '../../src/core/event';
import { rulesOf } from '../helpers/rules-text';

/**
 * The rules engine in a running daemon (`live`): event time comes from the events and, while none
 * come, moves on with the wall clock (`tick`, once a second in the daemon). Wall-clock times here are
 * relative to the moment of the last event read, and every expected event time is worked out by hand.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const S = 1000;
const MIN = 60 * S;

const HEARTBEAT = `
rules:
  - id: heartbeat-missing
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 2s
    allowed_lateness: 5s
    notify_resolved: true
`;

const BURST = `
rules:
  - id: logon-burst
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 5
    window: 1m
    notify_resolved: true
`;

/** a live engine on a wall clock the test moves, fed as the pipeline feeds it: events in spans */
function liveEngine(yaml: string) {
  let wall = Date.UTC(2026, 5, 1);
  const emitted: AlertChange[] = [];
  const engine = new RulesEngine(silentLogger(), { live: true, now: () => wall, onAlerts: (c) => emitted.push(...c) });
  engine.use(rulesOf(yaml));
  let offset = 0;
  /** a span of events read now: the alert changes they made */
  const read = (docs: Array<Record<string, unknown>>): AlertChange[] => {
    const from = emitted.length;
    const span: Span = { source: 'file:app', start: offset, end: offset + docs.length * 100, pending: 0, events: [] };
    for (const doc of docs) {
      const e: PipelineEvent = { id: `app.${offset}`, span, doc: { ...doc, log: { offset } } };
      offset += 100;
      engine.process(e);
    }
    return emitted.slice(from);
  };
  /** the wall clock moves on and the daemon's tick comes: the alert changes it made */
  const waitMs = (ms: number): AlertChange[] => {
    wall += ms;
    return engine.tick();
  };
  return { read, waitMs };
}

describe('rules engine in a live daemon: event time while no events come', () => {
  const brief = (c: AlertChange) => [c.alert.rule, c.alert.state, c.alert.state === 'resolved' ? c.alert.resolved_at : c.alert.fired_at];

  it('a flatline fires once its source has been idle for the allowed lateness and the window, not a lateness later, and resolves on the event that returns', () => {
    const changes: AlertChange[] = [];
    const { read, waitMs } = liveEngine(HEARTBEAT);
    const E = Date.UTC(2026, 2, 1, 12);
    const hb = (t: number) => ({ '@timestamp': iso(t), event: { dataset: 'app.heartbeat' }, host: { name: 'web1' } });
    // a heartbeat a second for 5 s (event times E − 4 s … E), read as they are written
    for (let i = 4; i >= 0; i--) {
      read([hb(E - i * S)]);
      if (i > 0) expect(waitMs(1000)).to.deep.equal([]);
    }
    // idle 4 s (< the lateness of 5 s): the watermark still trails the newest event
    for (let i = 0; i < 4; i++) changes.push(...waitMs(1000));
    expect(changes).to.deep.equal([]);
    // idle 5 s: no late event is expected any more, event time is E + 5 s; the first window without
    // the heartbeat at E ends at E + 2 s + 1 ms
    const fired = waitMs(1000);
    expect(fired.map(brief)).to.deep.equal([['heartbeat-missing', 'firing', iso(E + 2 * S + 1)]]);
    expect(fired[0].alert.count).to.equal(0);
    expect(waitMs(3000)).to.deep.equal([]);
    // the heartbeat comes back at E + 10 s: [E + 8.001 s, E + 10.001 s) holds it, decided on the event itself
    const back = read([hb(E + 10 * S)]);
    expect(back.map(brief)).to.deep.equal([['heartbeat-missing', 'resolved', iso(E + 10 * S + 1)]]);
    expect(back[0].alert.id).to.equal(fired[0].alert.id);
  });

  it('a daemon catching up on a backlog resolves a burst when it ended, not when the next events came', () => {
    const engine = new RulesEngine(silentLogger(), { live: true });
    engine.use(rulesOf(BURST));
    const B = Date.UTC(2026, 2, 1, 13, 30);
    const changes: AlertChange[] = [];
    const logon = (t: number, user: string) => changes.push(...engine.processDoc({ '@timestamp': iso(t), event: { code: '4625' }, user: { name: user } }));
    for (let i = 0; i < 5; i++) logon(B + i * S, 'bob');
    // the backlog goes on two hours later
    for (let i = 0; i < 3; i++) logon(B + 124 * MIN + 51 * S + i * S, 'alice');
    // bob's span [13:30:00, 13:31:00) reached 5; at 13:31:00.001 the window holds 4
    expect(changes.map(brief)).to.deep.equal([
      ['logon-burst', 'firing', iso(B + 4 * S)],
      ['logon-burst', 'resolved', iso(B + MIN + 1)],
    ]);
  });

  it('the wall clock resolves a burst at the time it ended, whatever the tick that notices it', () => {
    const B = Date.UTC(2026, 2, 1, 13, 30);
    const resolvedAt = (idleMs: number) => {
      const { read, waitMs } = liveEngine(BURST);
      read(Array.from({ length: 5 }, (_, i) => ({ '@timestamp': iso(B + i * S), event: { code: '4625' }, user: { name: 'bob' } })));
      return waitMs(idleMs).map((c) => [c.alert.state, c.alert.resolved_at]);
    };
    expect(resolvedAt(59 * S)).to.deep.equal([]); // idle 59 s < lateness 60 s: event time is 13:30:03
    // idle 61 s: event time 13:31:05; the window ending at 13:31:00.001 is the first below the threshold
    expect(resolvedAt(61 * S)).to.deep.equal([['resolved', iso(B + MIN + 1)]]);
    expect(resolvedAt(2 * 3600 * S)).to.deep.equal([['resolved', iso(B + MIN + 1)]]);
  });
});
