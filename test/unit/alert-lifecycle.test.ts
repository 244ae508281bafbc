import { expect } from 'chai';
import { RulesEngine } from '../../rules/engine';
import type { AlertChange } from '../../rules/alerts/lifecycle';
import { silentLogger } from '../../src/core/log';
import { renderEmail } from '../../sinks/notify/email/render-email';
import { slackPayload } from '../../sinks/notify/webhook/payload-slack';
import { teamsPayload } from '../../sinks/notify/webhook/payload-teams';
import { rulesOf } from '../helpers/rules-text';

/** What an alert carries of its events: the ones that are its own (expected values worked out by hand). */

const T0 = Date.UTC(2026, 0, 5, 8);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function engineFor(yaml: string): { send: (s: number, doc: Record<string, unknown>) => void; changes: AlertChange[]; engine: RulesEngine } {
  const engine = new RulesEngine(silentLogger());
  engine.use(rulesOf(yaml));
  const changes: AlertChange[] = [];
  return { engine, changes, send: (s, doc) => changes.push(...engine.processDoc({ '@timestamp': at(s), ...doc })) };
}

const OOM = (realert: string) => `
rules:
  - id: oom
    type: pattern
    where: 'message: *OutOfMemory*'
    group_by: [host.name]
    realert: ${realert}
`;

describe('alert lifecycle: what an alert shows of its events', () => {
  it('a pattern alert\'s first event and samples are its own match, not the earlier alerts of the episode', () => {
    const { send, changes } = engineFor(OOM('0s'));
    for (const s of [0, 10, 20]) send(s, { message: `java.lang.OutOfMemoryError #${s}`, host: { name: 'web1' } });
    expect(changes.map((c) => [c.alert.state, c.alert.first_event, c.alert.last_event, c.alert.samples.map((x) => x.message)])).to.deep.equal([
      ['firing', at(0), at(0), ['java.lang.OutOfMemoryError #0']],
      ['firing', at(10), at(10), ['java.lang.OutOfMemoryError #10']],
      ['firing', at(20), at(20), ['java.lang.OutOfMemoryError #20']],
    ]);
  });

  it('a pattern alert after matches that realert held back carries those matches (they are in no other alert)', () => {
    const { send, changes } = engineFor(OOM('15s'));
    for (const s of [0, 10, 20]) send(s, { message: `java.lang.OutOfMemoryError #${s}`, host: { name: 'web1' } });
    // 0 is sent; 10 is held back (10 s after the last notification); 20 is sent, with 10 and 20
    expect(changes.filter((c) => c.send).map((c) => [c.alert.first_event, c.alert.last_event, c.alert.samples.length])).to.deep.equal([
      [at(0), at(0), 1],
      [at(10), at(20), 2],
    ]);
  });

  describe('a resolved notice shows the firing window\'s count and samples, labelled as such', () => {
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
    /** bob: 5 failed logons at 0 … 4 s (fires), a 6th at 30 s while it fires; event time stops at 10 min */
    function resolved(): { firing: AlertChange; resolved: AlertChange } {
      const { send, changes, engine } = engineFor(BURST);
      for (const s of [0, 1, 2, 3, 4, 30]) send(s, { event: { code: '4625' }, user: { name: 'bob' }, message: `logon failure at ${s} s` });
      changes.push(...engine.finish(T0 + 600_000));
      expect(changes.map((c) => c.alert.state)).to.deep.equal(['firing', 'resolved']);
      return { firing: changes[0], resolved: changes[1] };
    }

    it('the alert: the firing window, its count and samples, and when it resolved', () => {
      const { firing, resolved: r } = resolved();
      // the span [0 s, 60 s) reached 5 with the logon at 4 s; at 61.001 s the window [1.001 s, 61.001 s) holds 4
      expect(r.alert.resolved_at).to.equal(at(61.001));
      expect(r.alert.count).to.equal(5);
      expect(r.alert.window).to.deep.equal(firing.alert.window);
      expect(r.alert.window).to.deep.equal({ start: at(0), end: at(60) });
      expect([r.alert.first_event, r.alert.last_event]).to.deep.equal([at(0), at(4)]);
      expect(r.alert.samples.map((s) => s['@timestamp'])).to.deep.equal([0, 1, 2, 3, 4].map(at));
      expect(r.alert.samples).to.deep.equal(firing.alert.samples);
    });

    it('the email', () => {
      const { resolved: r } = resolved();
      const { text, html } = renderEmail([r.alert], {});
      expect(text).to.match(/^Count in the firing window: +5 \(reference 5\)$/m);
      expect(text).to.match(/^Firing window: +2026-01-05T08:00:00\.000Z to 2026-01-05T08:01:00\.000Z$/m);
      expect(text).to.match(/^Resolved at: +2026-01-05T08:01:01\.001Z$/m);
      expect(text).to.contain('Sample events of the firing window (5 of 5, newest last):');
      expect(html).to.contain('Sample events of the firing window (5 of 5, newest last)');
      // no sample after the resolution, none outside the firing window
      const times = [...text.matchAll(/^ *\d+\. (\S+)/gm)].map((m) => m[1]);
      expect(times).to.deep.equal([0, 1, 2, 3, 4].map(at));
    });

    it('the Slack and Teams bodies', () => {
      const { resolved: r } = resolved();
      const n = { key: `${r.alert.id}-resolved-chat`, notifier: 'chat', alerts: [r.alert] };
      const slack = JSON.stringify(slackPayload(n, () => undefined));
      expect(slack).to.contain('*Samples of the firing window (newest last)*');
      expect(slack).to.contain('*Count in the firing window*\\n5 (reference 5)');
      const teams = JSON.stringify(teamsPayload(n, () => undefined));
      expect(teams).to.contain('"text":"Samples of the firing window (newest last)"');
      expect(teams).to.contain('{"title":"Count in the firing window","value":"5 (reference 5)"}');
    });
  });
});
