import { expect } from 'chai';
import { RulesEngine } from '../../rules/engine';
import { silentLogger } from '../../src/core/log';
import type { AlertChange, GroupNotified } from '../../rules/alerts/lifecycle';
import type { PipelineEvent, Span } from '../../src/core/event';
import { rulesOf } from '../helpers/rules-text';

const T0 = Date.UTC(2026, 0, 1, 10);
const RULES = `
rules:
  - id: burst
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 5
    window: 1m
    allowed_lateness: 1s
  - id: other
    type: pattern
    where: 'event.code: 1102'
`;

/** Event n of a failed-logon burst for bob, n seconds after T0, with the _id Elasticsearch would give it. */
function logon(n: number, span: Span): PipelineEvent {
  return { id: `doc-${n}`, doc: { '@timestamp': new Date(T0 + n * 1000).toISOString(), event: { code: '4625' }, user: { name: 'bob' } }, span, position: n, time: T0 + n * 1000 };
}

function feed(engine: RulesEngine, from: number, to: number): void {
  const span: Span = { source: 'es:in:uuid:0', start: from, end: to + 1, pending: 0, events: [] };
  for (let n = from; n <= to; n++) engine.process(logon(n, span));
}

function fleetEngine(): { engine: RulesEngine; changes: AlertChange[] } {
  const changes: AlertChange[] = [];
  const engine = new RulesEngine(silentLogger(), { fleet: true, onAlerts: (c) => changes.push(...c) });
  engine.use(rulesOf(RULES));
  return { engine, changes };
}

describe('fleet runner: the rules engine evaluates only the rules it owns', () => {
  it('a rule not owned counts nothing and fires nothing; owned, it fires; lost, it stops at once and forgets its windows', () => {
    const { engine, changes } = fleetEngine();
    feed(engine, 0, 9);
    engine.tick(T0 + 60_000);
    expect(changes).to.deep.equal([]);
    expect(engine.beginTakeover('burst')).to.equal(true);
    expect(engine.completeTakeover('burst', [])).to.deep.equal({ events: 0, changes: [] });
    feed(engine, 10, 13);
    expect(changes).to.deep.equal([]);
    // 4 counted while owned; lost before the 5th: nothing fires, and after a new takeover with no
    // re-read the 4 are gone (the windows were dropped with the lease)
    engine.releaseRule('burst');
    feed(engine, 14, 14);
    engine.tick(Date.now() + 120_000);
    expect(changes).to.deep.equal([]);
    expect(engine.ownership!.owned()).to.deep.equal([]);
    engine.beginTakeover('burst');
    engine.completeTakeover('burst', []);
    feed(engine, 15, 18);
    expect(changes).to.deep.equal([]);
    feed(engine, 19, 19);
    engine.tick(Date.now() + 120_000);
    expect(changes.map((c) => [c.alert.rule, c.alert.state, c.alert.count])).to.deep.equal([['burst', 'firing', 5]]);
  });

  it('a takeover counts the re-read events and those the input brought meanwhile, each _id once, and passes by the re-read ones the input brings later', () => {
    const { engine, changes } = fleetEngine();
    engine.beginTakeover('burst');
    // while the windows are re-read the input brings events 2 and 3: kept aside, not counted yet
    feed(engine, 2, 3);
    expect(changes).to.deep.equal([]);
    // the re-read holds 0..3 (2 and 3 again): counted once each, 4 in all
    const reread = [0, 1, 2, 3].map((n) => { const e = logon(n, { source: 'x', start: 0, end: 0, pending: 0, events: [] }); return { doc: e.doc, t: e.time!, id: e.id }; });
    expect(engine.completeTakeover('burst', reread)!.events).to.equal(4);
    expect(changes).to.deep.equal([]);
    // the input brings 1 (the re-read counted it: passed by), then 4: the 5th distinct event fires
    feed(engine, 1, 1);
    engine.tick(Date.now() + 120_000);
    expect(changes).to.deep.equal([]);
    feed(engine, 4, 4);
    engine.tick(Date.now() + 120_000);
    expect(changes.map((c) => [c.alert.rule, c.alert.state, c.alert.count])).to.deep.equal([['burst', 'firing', 5]]);
    expect(engine.ownership!.duplicatesSkipped).to.equal(1);
  });

  it('the same events give the same alert id whether counted live or re-read by a takeover (a second write is a duplicate, not a second alert)', () => {
    const live = fleetEngine();
    live.engine.beginTakeover('burst');
    live.engine.completeTakeover('burst', []);
    feed(live.engine, 0, 6);
    live.engine.tick(Date.now() + 120_000);
    const taken = fleetEngine();
    taken.engine.beginTakeover('burst');
    const reread = [0, 1, 2, 3, 4, 5, 6].map((n) => { const e = logon(n, { source: 'x', start: 0, end: 0, pending: 0, events: [] }); return { doc: e.doc, t: e.time!, id: e.id }; });
    taken.engine.completeTakeover('burst', reread);
    taken.engine.tick(Date.now() + 120_000);
    const firing = (c: AlertChange[]) => c.filter((x) => x.alert.state === 'firing').map((x) => x.alert.id);
    expect(firing(live.changes)).to.have.length(1);
    expect(firing(taken.changes)).to.deep.equal(firing(live.changes));
  });

  it('a takeover given up (the lease lost while re-reading) leaves the rule idle', () => {
    const { engine, changes } = fleetEngine();
    engine.beginTakeover('burst');
    feed(engine, 0, 3);
    engine.releaseRule('burst');
    expect(engine.completeTakeover('burst', [])).to.equal(undefined);
    feed(engine, 4, 9);
    engine.tick(Date.now() + 120_000);
    expect(changes).to.deep.equal([]);
    expect(engine.ownership!.wanted()).to.deep.equal([]);
  });

  describe('alerts a former owner left firing (read from the alert history)', () => {
    const RESOLVING = `
rules:
  - id: burst
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 5
    window: 1m
    allowed_lateness: 1s
    notify_resolved: true
`;
    const open = { id: 'fired-by-the-dead-owner', groupKey: '["bob"]', firedAt: T0 - 600_000, sent: true,
      shown: { count: 7, window: { start: new Date(T0 - 660_000).toISOString(), end: new Date(T0 - 600_000).toISOString() }, first_event: new Date(T0 - 660_000).toISOString(), last_event: new Date(T0 - 600_000).toISOString(), samples: [] } };
    function clocked(): { engine: RulesEngine; changes: AlertChange[]; set: (t: number) => void } {
      let clock = T0 + 100_000;
      const changes: AlertChange[] = [];
      const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => clock, onAlerts: (c) => changes.push(...c) });
      engine.use(rulesOf(RESOLVING));
      return { engine, changes, set: (t) => { clock = t; } };
    }

    const reread = (seconds: number[]) => seconds.map((n) => { const e = logon(n, { source: 'x', start: 0, end: 0, pending: 0, events: [] }); return { doc: e.doc, t: e.time!, id: e.id }; });

    it('still held by the re-read windows: it goes on under its id (no second firing), and resolves under it', () => {
      const { engine, changes, set } = clocked();
      engine.beginTakeover('burst');
      // the re-read reaches two windows and the lateness back (121 s before the takeover at 100 s): failed
      // logons every 2 s from -20 s on hold the condition from its first decidable end (39 s) on
      const events = reread(Array.from({ length: 43 }, (_, i) => -20 + 2 * i));
      engine.completeTakeover('burst', events, [open], T0 + 100_000);
      expect(changes).to.deep.equal([]);
      set(T0 + 300_000);
      engine.tick();
      expect(changes.map((c) => [c.alert.id, c.alert.state, c.send, c.alert.group])).to.deep.equal([['fired-by-the-dead-owner', 'resolved', true, { 'user.name': 'bob' }]]);
    });

    it('a runner that had seen no event yet: the inputs\' progress goes on from the re-read events, not from the epoch', () => {
      const { engine, changes } = clocked();
      engine.beginTakeover('burst');
      engine.completeTakeover('burst', reread(Array.from({ length: 43 }, (_, i) => -20 + 2 * i)), [open], T0 + 100_000);
      // the input's next poll reports its progress: event time moves 0.1 s on from the newest event (64 s)
      engine.progressTo(T0 + 100_100);
      expect(changes).to.deep.equal([]);
    });

    it('left open long before (a fleet stopped for ten minutes): a burst that starts within the re-read is an alert of its own, notified', () => {
      const { engine, changes } = clocked();
      engine.beginTakeover('burst');
      // nothing from -21 s to 60 s: the condition did not hold at the first decidable end (39 s), so the
      // carried-on alert had ended; the burst at 60-64 s fires at 64 s, after 42 s (39 s + a 3 s step); the
      // carried-on alert resolves where the new one's window starts (its first event, 60 s)
      engine.completeTakeover('burst', reread([60, 61, 62, 63, 64]), [open], T0 + 100_000);
      expect(changes.map((c) => [c.alert.id === open.id ? 'carried-on' : 'new', c.alert.state, c.send, c.alert.resolved_at ?? c.alert.fired_at])).to.deep.equal([
        ['carried-on', 'resolved', true, new Date(T0 + 60_000).toISOString()],
        ['new', 'firing', true, new Date(T0 + 64_000).toISOString()],
      ]);
    });

    it('no longer held by the re-read windows: resolved under its id once event time passed the takeover', () => {
      const { engine, changes, set } = clocked();
      engine.beginTakeover('burst');
      engine.completeTakeover('burst', [], [open], T0 + 100_000);
      // event time moves with an event no owned rule matches, then with the wall clock
      const span: Span = { source: 'es:in:uuid:0', start: 0, end: 1, pending: 0, events: [] };
      engine.process({ id: 'other', doc: { '@timestamp': new Date(T0 + 90_000).toISOString(), event: { code: '4624' } }, span, position: 0, time: T0 + 90_000 });
      engine.tick();
      expect(changes).to.deep.equal([]);
      set(T0 + 150_000);
      engine.tick();
      expect(changes.map((c) => [c.alert.id, c.alert.state, c.alert.count])).to.deep.equal([['fired-by-the-dead-owner', 'resolved', 7]]);
    });
  });
});

describe('fleet runner: a takeover re-reads around the events\' present, not the wall clock', () => {
  it('the engine\'s event time: the wall clock before any event, then the newest event\'s time plus the time since it came', () => {
    let wall = T0 + 3_600_000;
    const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => wall });
    engine.use(rulesOf(RULES));
    expect(engine.eventTimeNow()).to.equal(T0 + 3_600_000);
    // the input reads events an hour old (a backlog, or clocks an hour behind)
    feed(engine, 0, 9);
    expect(engine.eventTimeNow()).to.equal(T0 + 9000);
    wall += 5000;
    expect(engine.eventTimeNow()).to.equal(T0 + 14_000);
  });

  it('a runner an hour behind re-reads the hour it is in, and counts the taken-over rule\'s events there', async () => {
    const { RuleTakeovers } = await import('../../src/runtime/fleet-runner/rule-takeovers');
    const wall = T0 + 3_600_000;
    const changes: AlertChange[] = [];
    const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => wall, onAlerts: (c) => changes.push(...c) });
    engine.use(rulesOf(RULES));
    feed(engine, 0, 2); // the input's events: an hour before the wall clock
    const asked: number[] = [];
    const takeovers = new RuleTakeovers({
      engine, log: silentLogger(), inputPolls: () => 0, owns: () => true,
      // what Elasticsearch holds for the rule: failed logons from 0 s to 6 s, in the events' hour
      reread: async (_def, now) => {
        asked.push(now);
        return [0, 1, 2, 3, 4, 5, 6].map((n) => ({ doc: logon(n, { source: 'x', start: 0, end: 0, pending: 0, events: [] }).doc, t: T0 + n * 1000, id: `doc-${n}` }))
          .filter((e) => e.t >= now - 121_000);
      },
    });
    takeovers.acquired('burst');
    await new Promise((r) => setTimeout(r, 20));
    expect(asked).to.deep.equal([T0 + 2000]);
    expect(takeovers.status()[0].state).to.equal('done');
    expect(takeovers.status()[0].events).to.equal(7);
    // the five failed logons within a minute fire (at the fifth), from the re-read events alone
    expect(changes.map((c) => [c.alert.rule, c.alert.state, c.alert.count])).to.deep.equal([['burst', 'firing', 5]]);
  });
});

describe('fleet runner: a flatline taken over keeps the groups that went quiet before its re-read span', () => {
  const FLATLINE = `
rules:
  - id: heartbeat-lost
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 1m
    threshold: 1
    notify_resolved: true
`;
  const TAKEOVER = T0 + 3 * 3_600_000;
  const beat = (host: string, t: number) => ({ doc: { '@timestamp': new Date(t).toISOString(), event: { dataset: 'app.heartbeat' }, host: { name: host } }, t, id: `${host}-${t}` });
  // web-02 died two hours before the takeover; its flatline fired a minute later and the former owner wrote it
  const open = { id: 'web-02-silent', groupKey: '["web-02"]', firedAt: TAKEOVER - 2 * 3_600_000 + 60_000, sent: true,
    shown: { count: 0, window: { start: new Date(TAKEOVER - 2 * 3_600_000).toISOString(), end: new Date(TAKEOVER - 2 * 3_600_000 + 60_000).toISOString() },
      first_event: new Date(TAKEOVER - 2 * 3_600_000).toISOString(), last_event: new Date(TAKEOVER - 2 * 3_600_000).toISOString(), samples: [] } };

  function takeover(reread: ReturnType<typeof beat>[]): AlertChange[] {
    let clock = TAKEOVER;
    const changes: AlertChange[] = [];
    const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => clock, onAlerts: (c) => changes.push(...c) });
    engine.use(rulesOf(FLATLINE));
    engine.beginTakeover('heartbeat-lost');
    engine.completeTakeover('heartbeat-lost', reread, [open], TAKEOVER);
    clock += 300_000;
    engine.progressTo(clock);
    return changes;
  }
  // web-01 beats every 10 s through the re-read span (two windows and the lateness)
  const span = Array.from({ length: 13 }, (_, i) => beat('web-01', TAKEOVER - 120_000 + i * 10_000));

  it('with its last event re-read (what the re-read now brings), the dead host\'s alert goes on: not resolved, not fired again', () => {
    const changes = takeover([beat('web-02', TAKEOVER - 2 * 3_600_000), ...span]);
    expect(changes.filter((c) => c.alert.group['host.name'] === 'web-02').map((c) => [c.alert.id, c.alert.state])).to.deep.equal([]);
  });

  it('without it (as before), the dead host was unknown and its alert resolved at the takeover', () => {
    const changes = takeover(span);
    expect(changes.filter((c) => c.alert.group['host.name'] === 'web-02').map((c) => [c.alert.id, c.alert.state])).to.deep.equal([['web-02-silent', 'resolved']]);
  });
});

describe('fleet runner: a new_term or change rule taken over keeps what it knew from before its re-read span', () => {
  const RULES_NT = `
rules:
  - id: new-logon-source
    type: new_term
    where: 'event.code: 4624'
    group_by: [user.name]
    fields: [source.ip]
  - id: new-logon-source-warm
    type: new_term
    where: 'event.code: 4624'
    group_by: [user.name]
    fields: [source.ip]
    history_warmup: 1d
  - id: ip-changed
    type: change
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    field: host.ip
`;
  const TAKEOVER = T0 + 10 * 86_400_000;
  const logonFrom = (ip: string, t: number, teach = false) => ({ doc: { '@timestamp': new Date(t).toISOString(), event: { code: '4624' }, user: { name: 'bob' }, source: { ip } }, t, id: `${ip}-${t}`, ...(teach ? { teach } : {}) });
  const beat = (ip: string, t: number) => ({ doc: { '@timestamp': new Date(t).toISOString(), event: { dataset: 'app.heartbeat' }, host: { name: 'web-01', ip } }, t, id: `beat-${t}` });

  function takeover(rule: string, reread: Array<{ doc: Record<string, unknown>; t: number; id: string; teach?: boolean }>): AlertChange[] {
    const changes: AlertChange[] = [];
    const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => TAKEOVER, onAlerts: (c) => changes.push(...c) });
    engine.use(rulesOf(RULES_NT));
    engine.beginTakeover(rule);
    engine.completeTakeover(rule, reread, [], TAKEOVER);
    return changes;
  }
  const fired = (changes: AlertChange[]) => changes.filter((c) => c.alert.state === 'firing').map((c) => c.alert.group);

  it('new_term: a source bob logged on from five days before the takeover is no new term in the span; one never seen is', () => {
    const changes = takeover('new-logon-source', [logonFrom('10.0.0.1', TAKEOVER - 5 * 86_400_000, true), logonFrom('10.0.0.1', TAKEOVER - 60_000), logonFrom('10.0.0.9', TAKEOVER - 30_000)]);
    expect(fired(changes)).to.deep.equal([{ 'user.name': 'bob', 'source.ip': '10.0.0.9' }]);
  });

  it('new_term: without what it knew (as before), the old source fired as new at the takeover', () => {
    const changes = takeover('new-logon-source', [logonFrom('10.0.0.1', TAKEOVER - 60_000), logonFrom('10.0.0.9', TAKEOVER - 30_000)]);
    expect(fired(changes)).to.deep.equal([{ 'user.name': 'bob', 'source.ip': '10.0.0.1' }, { 'user.name': 'bob', 'source.ip': '10.0.0.9' }]);
  });

  it('new_term: a term only taught never fires, even when nothing knew it before', () => {
    expect(takeover('new-logon-source', [logonFrom('10.0.0.5', TAKEOVER - 86_400_000, true)])).to.deep.equal([]);
  });

  it('new_term with history_warmup: the warm-up counts from the oldest event taught, so a new term in the span fires', () => {
    // what the takeover reads (window-rebuild): the oldest event with the term fields within history, then each term's newest sighting
    const seeds = [logonFrom('10.0.0.1', TAKEOVER - 5 * 86_400_000, true), logonFrom('10.0.0.1', TAKEOVER - 3_600_000, true)];
    const changes = takeover('new-logon-source-warm', [...seeds, logonFrom('10.0.0.9', TAKEOVER - 30_000)]);
    expect(fired(changes)).to.deep.equal([{ 'user.name': 'bob', 'source.ip': '10.0.0.9' }]);
    // with the newest sightings only (as before), the rule was warming up again for a day after the takeover: nothing fired
    expect(fired(takeover('new-logon-source-warm', [seeds[1], logonFrom('10.0.0.9', TAKEOVER - 30_000)]))).to.deep.equal([]);
  });

  it('change: the group\'s last value before the span is compared with the first one in it', () => {
    const changes = takeover('ip-changed', [beat('10.1.0.1', TAKEOVER - 3 * 86_400_000), beat('10.1.0.2', TAKEOVER - 60_000)]);
    expect(fired(changes)).to.deep.equal([{ 'host.name': 'web-01' }]);
    expect(takeover('ip-changed', [beat('10.1.0.2', TAKEOVER - 60_000)])).to.deep.equal([]);
  });
});

describe('fleet runner: realert goes on from the former owner\'s last notification before the re-read span', () => {
  const RULES_RA = `
rules:
  - id: admin-logon
    type: pattern
    where: 'event.code: 4672'
    group_by: [user.name]
    realert: 1h
`;
  const TAKEOVER = T0 + 86_400_000;
  const logon = (t: number) => ({ doc: { '@timestamp': new Date(t).toISOString(), event: { code: '4672' }, user: { name: 'bob' } }, t, id: `l-${t}` });

  function takeover(notified: GroupNotified[], later: number[] = []): Array<[string, boolean]> {
    let clock = TAKEOVER;
    const changes: AlertChange[] = [];
    const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => clock, onAlerts: (c) => changes.push(...c) });
    engine.use(rulesOf(RULES_RA));
    engine.beginTakeover('admin-logon');
    // a match a minute before the takeover, in the re-read span (two windows and the lateness)
    engine.completeTakeover('admin-logon', [logon(TAKEOVER - 60_000)], [], TAKEOVER, notified);
    const span: Span = { source: 'es:in:uuid:0', start: 0, end: 1, pending: 0, events: [] };
    for (const t of later) { clock = t; engine.process({ id: `l-${t}`, doc: logon(t).doc, span, position: 0, time: t }); }
    return changes.filter((c) => c.alert.state === 'firing').map((c) => [c.alert.fired_at, c.send]);
  }

  it('bob notified 30 minutes before the takeover: the match in the span is held back, one an hour after that notification is sent', () => {
    const fired = takeover([{ groupKey: '["bob"]', at: TAKEOVER - 30 * 60_000 }], [TAKEOVER + 31 * 60_000]);
    expect(fired).to.deep.equal([[new Date(TAKEOVER - 60_000).toISOString(), false], [new Date(TAKEOVER + 31 * 60_000).toISOString(), true]]);
  });

  it('without it (as before), the new owner notified at once', () => {
    expect(takeover([])).to.deep.equal([[new Date(TAKEOVER - 60_000).toISOString(), true]]);
  });

  it('a takeover asks the alert history for the notifications from realert before its "now" to the start of its re-read span', async () => {
    const { RuleTakeovers } = await import('../../src/runtime/fleet-runner/rule-takeovers');
    const engine = new RulesEngine(silentLogger(), { fleet: true, live: true, now: () => TAKEOVER });
    engine.use(rulesOf(RULES_RA));
    const asked: Array<[string, number, number]> = [];
    const takeovers = new RuleTakeovers({
      engine, log: silentLogger(), inputPolls: () => 0, owns: () => true,
      reread: async () => [],
      lastNotified: async (rule, from, to) => { asked.push([rule, from, to]); return []; },
    });
    takeovers.acquired('admin-logon');
    await new Promise((r) => setTimeout(r, 20));
    // the span: two pattern windows (5 minutes by default) and the lateness (a minute)
    expect(asked).to.deep.equal([['admin-logon', TAKEOVER - 3_600_000, TAKEOVER - 11 * 60_000]]);
  });

  it('another group\'s notification holds nothing back', () => {
    expect(takeover([{ groupKey: '["alice"]', at: TAKEOVER - 30 * 60_000 }])).to.deep.equal([[new Date(TAKEOVER - 60_000).toISOString(), true]]);
  });
});
