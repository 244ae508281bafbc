import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedRules } from '../../rules/types';
import { replay, type ReplayResult } from '../../rules/backtest/replay';
import { buildReport } from '../../rules/backtest/build-report';
import { formatNdjson } from '../../rules/backtest/format-ndjson';
import { formatHtml } from '../../rules/backtest/format-html';
import { tempDir } from '../helpers/temp-dir';
import { rulesOf } from '../helpers/rules-text';

/**
 * A backtest's event time (SPEC section 1): it comes from the events and only from them. Every
 * expected time here is worked out by hand from the events written.
 */

const T0 = Date.UTC(2026, 0, 5, 8); // a Monday in January: far from today's wall clock
const iso = (ms: number) => new Date(ms).toISOString();
const S = 1000;
const MIN = 60 * S;

const logon = (t: number, user = 'bob') => JSON.stringify({ '@timestamp': iso(t), event: { code: '4625' }, user: { name: user } });
const heartbeat = (t: number, host: string) => JSON.stringify({ '@timestamp': iso(t), event: { dataset: 'app.heartbeat' }, host: { name: host } });

const LOGON_BURST = `
rules:
  - id: logon-burst
    type: threshold
    where: 'event.code: 4625'
    group_by: [user.name]
    threshold: 20
    window: 5m
    notify_resolved: true
`;

const HEARTBEAT = `
  - id: heartbeat-missing
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: 10m
`;

type Line = Record<string, unknown>;

describe('backtest event time', function () {
  this.timeout(60_000);
  let tmp: { path: string; cleanup: () => void };
  beforeEach(() => { tmp = tempDir('event-time'); });
  afterEach(() => tmp.cleanup());

  const file = (name: string, lines: string[]) => {
    const p = join(tmp.path, name);
    writeFileSync(p, `${lines.join('\n')}\n`);
    return p;
  };
  const run = (rules: LoadedRules, files: string[], until?: number): Promise<ReplayResult> => replay(rules, files, undefined, { until });
  const records = (rules: LoadedRules, r: ReplayResult): Line[] => formatNdjson(buildReport(rules, r)).trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
  const brief = (a: Line) => [a.rule, a.state, a.count, a.at];

  it('a line without a time of its own takes the time of the line before it: 25 failed logons with a plain-text line among them fire', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => logon(T0 + i * 5 * S));
    lines.splice(12, 0, 'sshd[4242]: connection reset by peer'); // not JSON: between the 12th and 13th logon
    const rules = rulesOf(LOGON_BURST);
    const r = await run(rules, [file('auth.ndjson', lines)]);
    // the 20th logon (at 95 s) makes [0 s, 300 s) hold 20; the plain line sits at 55 s, between the others
    expect(records(rules, r).map(brief)).to.deep.equal([['logon-burst', 'firing', 20, iso(T0 + 95 * S)]]);
    expect(r.to).to.equal(T0 + 120 * S);
    expect(r.events).to.equal(26);
    expect(r.untimed).to.equal(0);
    const html = formatHtml(buildReport(rules, r));
    expect(html).to.contain('<dd class="events">26</dd>');
    expect(html).to.contain('1 alert fired');
  });

  it('a plain-text first line is left out of the windows (and counted), and a January burst resolves in January', async () => {
    const rules = rulesOf(LOGON_BURST.replace('threshold: 20', 'threshold: 5').replace('window: 5m', 'window: 1m'));
    const lines = ['starting up, no timestamp yet', ...Array.from({ length: 5 }, (_, i) => logon(T0 + i * S)), heartbeat(T0 + 10 * MIN, 'web1')];
    const r = await run(rules, [file('auth.ndjson', lines)]);
    // fired by the 5th logon (4 s); the span [0 s, 60 s) reached 5, and at 60.001 s the window
    // [0.001 s, 60.001 s) holds 4: a whole window below the threshold
    expect(records(rules, r).map((a) => [a.state, a.at, a.resolved_at])).to.deep.equal([
      ['firing', iso(T0 + 4 * S), undefined],
      ['resolved', iso(T0 + 60 * S + 1), iso(T0 + 60 * S + 1)],
    ]);
    expect(r.from).to.equal(T0);
    expect(r.untimed).to.equal(1);
    expect(r.events).to.equal(6);
    expect(formatHtml(buildReport(rules, r))).to.contain('1 event without a time of its own and no event before it in its file: left out of the windows');
  });

  it('a backtest whose data ends while a flatline group is healthy gives no alert', async () => {
    const rules = rulesOf(`rules:${HEARTBEAT}`);
    const lines: string[] = [];
    for (let m = 0; m <= 30; m++) lines.push(heartbeat(T0 + m * MIN, 'web1'), heartbeat(T0 + m * MIN + 30 * S, 'web2'));
    const r = await run(rules, [file('hb.ndjson', lines)]);
    expect(r.alerts).to.deep.equal([]);
    expect(r.end).to.equal(T0 + 30 * MIN + 30 * S);
  });

  it('alerts still firing when the data ends are printed as firing, open_at_end, and nothing is invented after the last event', async () => {
    const rules = rulesOf(`${LOGON_BURST}${HEARTBEAT}`);
    const lines = [
      heartbeat(T0, 'web1'), heartbeat(T0 + MIN, 'web1'),
      // web1 falls silent after 1 min; the data goes on to 20 min with bob's burst at the very end
      ...Array.from({ length: 20 }, (_, i) => logon(T0 + 19 * MIN + i * 3 * S)),
      heartbeat(T0 + 20 * MIN, 'web2'),
    ];
    const r = await run(rules, [file('mixed.ndjson', lines)]);
    const got = records(rules, r);
    // web1 (first seen at 0, last at 1 min) fires at 1 min + 10 min + 1 ms; bob fires at his 20th logon
    expect(got.map((a) => [a.rule, a.state, a.at, a.open_at_end])).to.deep.equal([
      ['heartbeat-missing', 'firing', iso(T0 + 11 * MIN + 1), true],
      ['logon-burst', 'firing', iso(T0 + 19 * MIN + 57 * S), true],
    ]);
  });

  it('adding an unrelated rule changes no other rule\'s alert ids or times', async () => {
    const lines = [
      ...Array.from({ length: 20 }, (_, i) => logon(T0 + i * S)),                    // fires at 19 s, resolves in the data
      heartbeat(T0 + 30 * MIN, 'web1'), heartbeat(T0 + 31 * MIN, 'web1'),
      ...Array.from({ length: 20 }, (_, i) => logon(T0 + 58 * MIN + i * S, 'eve')),  // still firing at the end
    ];
    const f = file('auth.ndjson', lines);
    const alone = rulesOf(LOGON_BURST);
    const withOther = rulesOf(`${LOGON_BURST}${HEARTBEAT.replace('window: 10m', 'window: 1d')}`);
    const a = records(alone, await run(alone, [f]));
    const b = records(withOther, await run(withOther, [f])).filter((x) => x.rule === 'logon-burst');
    expect(b).to.deep.equal(a);
    // bob: [0 s, 300 s) reached 20 with his 20th logon at 19 s; at 300.001 s the event at 0 has left the window
    expect(a.map((x) => [x.group, x.state, x.at, x.open_at_end])).to.deep.equal([
      [{ 'user.name': 'bob' }, 'firing', iso(T0 + 19 * S), undefined],
      [{ 'user.name': 'bob' }, 'resolved', iso(T0 + 5 * MIN + 1), undefined],
      [{ 'user.name': 'eve' }, 'firing', iso(T0 + 58 * MIN + 19 * S), true],
    ]);
  });

  it('--until moves the end of event time: later events are left out, and a silence up to it fires', async () => {
    const rules = rulesOf(`rules:${HEARTBEAT}`);
    const lines: string[] = [];
    for (let m = 0; m <= 30; m++) lines.push(heartbeat(T0 + m * MIN, 'web1'));
    lines.push(heartbeat(T0 + 90 * MIN, 'web1'));
    const f = file('hb.ndjson', lines);
    // until 60 min: the event at 90 min is left out, and the silence after 30 min fires at 40 min + 1 ms
    const r = await run(rules, [f], T0 + 60 * MIN);
    expect(records(rules, r).map((a) => [a.state, a.at, a.open_at_end])).to.deep.equal([['firing', iso(T0 + 40 * MIN + 1), true]]);
    expect(r.afterUntil).to.equal(1);
    expect(r.events).to.equal(31);
    // without it the data runs to 90 min: the same silence fires, and the event at 90 min ends it (at 90 min + 1 ms)
    const all = await run(rules, [f]);
    expect(records(rules, all).length).to.equal(1); // notify_resolved is off: the resolution is not printed
    expect(records(rules, all)[0]).to.include({ state: 'firing', at: iso(T0 + 40 * MIN + 1) }).and.not.have.property('open_at_end');
  });

  it('resolved_at is when the condition ended, not when a later file moved event time on (a multi-file backtest)', async () => {
    const rules = rulesOf(LOGON_BURST.replace('threshold: 20', 'threshold: 5').replace('window: 5m', 'window: 1m'));
    const T2016 = Date.UTC(2016, 4, 2, 9);
    const a = file('2016.ndjson', Array.from({ length: 5 }, (_, i) => logon(T2016 + i * S)));
    const b = file('2019.ndjson', [heartbeat(Date.UTC(2019, 3, 30, 12), 'web1')]);
    const got = records(rules, await run(rules, [b, a]));
    // the span [0 s, 60 s) of 2016 reached 5; the window [0.001 s, 60.001 s) holds 4
    expect(got.map((x) => [x.state, x.at])).to.deep.equal([['firing', iso(T2016 + 4 * S)], ['resolved', iso(T2016 + 60 * S + 1)]]);
  });
});
