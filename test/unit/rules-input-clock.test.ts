import { expect } from 'chai';
import { RulesEngine } from '../../rules/engine';
import type { AlertChange } from '../../rules/alerts/lifecycle';
import { silentLogger } from '../../src/core/log';
import { Metrics } from '../../src/core/metrics';
import type { PipelineEvent, Span } from '../../src/core/event';
import { RulesClock } from '../../src/runtime/rules-clock';
import { rulesOf } from '../helpers/rules-text';

/**
 * A fleet runner's rules clock: the Elasticsearch input reports, after each whole poll, the wall-clock
 * instant before which everything stored has been read (`RulesClock.progress`). Events move event time
 * as in files; the progress moves it on from the newest event by the wall-clock time passed since that
 * event came (`RulesEngine.progressTo`), always less the rule's lateness, and only as far as the input
 * has read. The simulated fleet below ships each host's heartbeat 1.5 s after its `@timestamp`; each
 * second a poll that started 0.3 s earlier completes. Every expected time is worked out by hand.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const S = 1000;

const DEAD_HOST = `
rules:
  - id: host-dead
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 10s
    allowed_lateness: 2s
    notify_resolved: true
`;

const W0 = Date.UTC(2026, 5, 1, 8);
const SHIP_MS = 1500;
const POLL_LAG_MS = 300;

/** a live engine and its RulesClock on a wall clock the test moves; `follows`: the clock follows an elasticsearch input */
function fleet(follows: string[], rulesYaml = DEAD_HOST) {
  let wall = W0;
  const emitted: Array<{ wall: number; change: AlertChange }> = [];
  const engine = new RulesEngine(silentLogger(), { live: true, now: () => wall, onAlerts: (c) => emitted.push(...c.map((change) => ({ wall, change }))) });
  engine.use(rulesOf(rulesYaml));
  const clock = new RulesClock(engine, new Metrics());
  for (const input of follows) clock.follow(input);
  let seq = 0;
  /** the pages of one poll: the heartbeats of `hosts` at event time `t` */
  const read = (hosts: string[], t: number): void => {
    if (hosts.length === 0) return;
    const span: Span = { source: 'es:fleet:uuid:0', start: seq, end: seq + hosts.length, pending: 0, events: [] };
    for (const h of hosts) {
      const e: PipelineEvent = { id: `d${seq}`, span, position: seq, doc: { '@timestamp': iso(t), event: { dataset: 'app.heartbeat' }, host: { name: h } } };
      seq++;
      engine.process(e);
    }
  };
  /**
   * One second passes: the daemon's timer ticks; when `polled`, a poll that started POLL_LAG_MS ago
   * completes, having read the heartbeats `hosts` sent SHIP_MS ago, and reports its progress.
   */
  const second = (hosts: string[], polled = true, inputs = follows): void => {
    wall += S;
    if (polled) {
      read(hosts, wall - SHIP_MS);
      for (const input of inputs) clock.progress(input, wall - POLL_LAG_MS);
    }
    clock.tick();
  };
  return { second, read, emitted, now: () => wall, engine };
}

const brief = (e: { change: AlertChange }) => [e.change.alert.rule, (e.change.alert.group as Record<string, unknown>)['host.name'], e.change.alert.state,
  e.change.alert.state === 'resolved' ? e.change.alert.resolved_at : e.change.alert.fired_at];

describe('a fleet runner\'s rules clock: the elasticsearch input\'s progress moves event time on', () => {
  it('a host whose events stop fires its flatline window + lateness after its last event, while the others\' keep coming; it resolves when they return', () => {
    const f = fleet(['fleet']);
    // seconds 1..10: a, b and c; c's last heartbeat is read at W0 + 10 s, its @timestamp W0 + 8.5 s
    for (let i = 1; i <= 10; i++) f.second(['a', 'b', 'c']);
    const lastC = W0 + 10 * S - SHIP_MS;
    // the first window without it ends at lastC + 10 s + 1 ms = W0 + 18.501 s; a and b's heartbeats move
    // event time to wall − 1.5 s, their rule's watermark to wall − 3.5 s: it passes 18.501 s with the
    // heartbeats read at second 23 (14.5 s after c's last: window + lateness + shipping + a second)
    for (let i = 11; i <= 22; i++) f.second(['a', 'b']);
    expect(f.emitted.map(brief)).to.deep.equal([]);
    f.second(['a', 'b']);
    expect(f.emitted.map(brief)).to.deep.equal([['host-dead', 'c', 'firing', iso(lastC + 10 * S + 1)]]);
    expect(f.emitted[0].wall - lastC).to.equal(14.5 * S);
    expect(f.emitted[0].change.alert.count).to.equal(0);
    for (let i = 24; i <= 30; i++) f.second(['a', 'b']);
    expect(f.emitted).to.have.length(1);
    // c back: its heartbeat of W0 + 29.5 s, read at second 31, ends the alert on the event itself
    f.second(['a', 'b', 'c']);
    expect(f.emitted.slice(1).map(brief)).to.deep.equal([['host-dead', 'c', 'resolved', iso(W0 + 29.5 * S + 1)]]);
    for (let i = 32; i <= 40; i++) f.second(['a', 'b', 'c']);
    expect(f.emitted).to.have.length(2);
  });

  it('a quiet fleet: the flatline fires from the input\'s progress alone, with no event coming', () => {
    const f = fleet(['fleet']);
    for (let i = 1; i <= 10; i++) f.second(['a']);
    // a's last heartbeat (W0 + 8.5 s) came at W0 + 10 s; the poll of second j reports W0 + j − 0.3 s, so
    // event time is 8.5 + (j − 0.3 − 10) = j − 1.8 s and the watermark j − 3.8 s: past the window end
    // W0 + 18.501 s at second 23, though nothing at all came
    for (let i = 11; i <= 22; i++) f.second([]);
    expect(f.emitted).to.deep.equal([]);
    f.second([]);
    expect(f.emitted.map(brief)).to.deep.equal([['host-dead', 'a', 'firing', iso(W0 + 18.5 * S + 1)]]);
    // (the idle rule of file inputs would have dropped the lateness after 2 s idle and fired at second
    // 21: in a fleet, a quiet store may still get late events)
  });

  it('Elasticsearch unreadable for two minutes: no host looks dead meanwhile, nor once the backlog is read', () => {
    const f = fleet(['fleet']);
    for (let i = 1; i <= 15; i++) f.second(['a', 'b', 'c']);
    // the polls fail for 120 s (the daemon's timer goes on ticking); the hosts go on shipping
    for (let i = 16; i <= 135; i++) f.second([], false);
    expect(f.emitted.map(brief)).to.deep.equal([]);
    // back: one poll reads the heartbeats of the whole outage (event times W0 + 13.5 s … W0 + 133.5 s)
    // before it reports its progress, so every window it then decides holds them
    for (let i = 16; i <= 136; i++) f.read(['a', 'b', 'c'], W0 + i * S - SHIP_MS);
    f.second([]);
    for (let i = 137; i <= 140; i++) f.second(['a', 'b', 'c']);
    expect(f.emitted.map(brief)).to.deep.equal([]);
  });

  it('an agent cut off for a minute: dead to a rule whose lateness is shorter, until its backlog comes; not to one whose lateness covers it', () => {
    const f = fleet(['fleet'], `
rules:
  - id: strict
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 10s
    allowed_lateness: 2s
    notify_resolved: true
  - id: patient
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 10s
    allowed_lateness: 90s
    notify_resolved: true
`);
    for (let i = 1; i <= 10; i++) f.second(['a', 'b', 'late']);
    // seconds 11 to 70: the late host's heartbeats wait in its spool
    for (let i = 11; i <= 70; i++) f.second(['a', 'b']);
    // strict: its last heartbeat read was of W0 + 8.5 s; a and b move the watermark to wall − 3.5 s,
    // past the window end W0 + 18.501 s at second 23
    expect(f.emitted.map(brief)).to.deep.equal([['strict', 'late', 'firing', iso(W0 + 18.5 * S + 1)]]);
    expect(f.emitted[0].wall).to.equal(W0 + 23 * S);
    // second 71: the backlog (heartbeats of W0 + 9.5 s … W0 + 68.5 s) comes in the poll's first pages
    for (let i = 11; i <= 70; i++) f.read(['late'], W0 + i * S - SHIP_MS);
    f.second(['a', 'b', 'late']);
    // strict admits events from its newest (a's and b's W0 + 68.5 s) − 2 s − 10 s = W0 + 56.5 s on: the
    // 47 older ones are late; the first admitted ends the alert in the window that holds it
    expect(f.emitted.slice(1).map(brief)).to.deep.equal([['strict', 'late', 'resolved', iso(W0 + 56.5 * S + 1)]]);
    expect(f.engine.counts().late).to.equal(47);
    // patient: its watermark (wall − 91.5 s) had not reached the late host's window when the backlog
    // came, and every event of it counts: no alert, then or later
    for (let i = 72; i <= 130; i++) f.second(['a', 'b', 'late']);
    expect(f.emitted).to.have.length(2);
  });

  it('two inputs: event time waits for the one behind, and for one that has reported nothing yet', () => {
    const f = fleet(['east', 'west']);
    // west never reports: event time does not move, however long
    for (let i = 1; i <= 10; i++) f.second(['a'], true, ['east']);
    for (let i = 11; i <= 40; i++) f.second([], true, ['east']);
    expect(f.emitted).to.deep.equal([]);
    // west reports: the older of the two progresses is W0 + 40.7 s, event time 8.5 + 30.7 s: a's window decided
    f.second([], true, ['west']);
    expect(f.emitted.map(brief)).to.deep.equal([['host-dead', 'a', 'firing', iso(W0 + 18.5 * S + 1)]]);
  });

  it('without a followed input (files only), the idle rule of the live engine still moves event time', () => {
    const f = fleet([]);
    for (let i = 1; i <= 10; i++) f.second(['a']);
    // idle since the read at W0 + 10 s: after the lateness (2 s) event time is the newest event
    // (W0 + 8.5 s) plus the time idle; the window ending at W0 + 18.501 s is decided at W0 + 20.001 s or later
    for (let i = 11; i <= 19; i++) f.second([]);
    expect(f.emitted).to.deep.equal([]);
    f.second([]);
    f.second([]);
    expect(f.emitted.map(brief)).to.deep.equal([['host-dead', 'a', 'firing', iso(W0 + 18.5 * S + 1)]]);
  });

  it('history read from the start: event time stays in the events\' time, the runner\'s clock adds only the time passed', () => {
    const f = fleet(['fleet']);
    // ten heartbeats of March, 1 s apart, all read in the first second (its poll reports W0 + 0.7 s)
    const M = Date.UTC(2026, 2, 1, 12);
    for (let k = 0; k < 10; k++) f.read(['a'], M + k * S);
    // they came at W0 (the wall clock when read); the poll of second j reports W0 + j − 0.3 s: event time
    // M + 9 s + (j − 0.3 s), the watermark M + 6.7 s + j; the window end M + 19.001 s is passed at second 13
    for (let j = 1; j <= 12; j++) f.second([]);
    expect(f.emitted).to.deep.equal([]);
    f.second([]);
    expect(f.emitted.map(brief)).to.deep.equal([['host-dead', 'a', 'firing', iso(M + 19 * S + 1)]]);
  });

  it('a backtest engine (not live) ignores progress: its event time is its events\'', () => {
    const engine = new RulesEngine(silentLogger(), { live: false });
    engine.use(rulesOf(DEAD_HOST));
    engine.processDoc({ '@timestamp': iso(W0), event: { dataset: 'app.heartbeat' }, host: { name: 'a' } });
    expect(engine.progressTo(W0 + 3600 * S)).to.deep.equal([]);
    expect(engine.finish().map((c) => c.alert.state)).to.deep.equal([]);
  });
});
