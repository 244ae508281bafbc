import { expect } from 'chai';
import { join } from 'node:path';
import { countDocs, deleteTarget, uniqueTarget } from '../helpers/es';
import { readStore } from '../helpers/event-store';
import { agentYaml, receivedAlerts, runnerYaml, VigilProcess, writeLines, type ReceivedAlert } from '../helpers/fleet-processes';
import { tempDir } from '../helpers/temp-dir';
import { sleep, waitFor } from '../helpers/wait';
import { WebhookTestServer } from '../helpers/webhook-test-server';

const WINDOW_MS = 10_000;
const LATENESS_MS = 2_000;
const POLL_MS = 1_000;

/**
 * SPEC 7 / issue 15, shown end to end on the shared Elasticsearch: three agents (`vigil run` on three
 * log folders, host.name host-a, host-b, host-c) ship to one data stream; one fleet runner (`vigil run`
 * with the elasticsearch input) evaluates the fleet's rules and notifies a real webhook receiver.
 */
describe('three agents → Elasticsearch → one fleet runner (the shared Elasticsearch)', function () {
  this.timeout(240_000);

  it('a spray across the hosts and a cross-host error spike fire once each; a dead agent\'s host flatlines within window + lateness + poll + 5 s, and resolves when it comes back', async () => {
    const tmp = tempDir('fleet3');
    const target = uniqueTarget('fleet3');
    const receiver = new WebhookTestServer();
    const hook = `http://127.0.0.1:${await receiver.start()}/hook`;
    const hosts = ['host-a', 'host-b', 'host-c'];
    const agents = hosts.map((h) => new VigilProcess(h, join(tmp.path, h), agentYaml(join(tmp.path, h), h, target)));
    const runner = new VigilProcess('runner', join(tmp.path, 'runner'), runnerYaml(join(tmp.path, 'runner'), `${target}*`, `
notifiers:
  hook: { type: webhook, url: "${hook}", format: json }
defaults:
  notify: [hook]
rules:
  # one source address trying 9 accounts: each host sees 3 of them
  - id: password-spray
    type: cardinality
    where: 'event.code: 4625'
    group_by: [source.ip]
    field: user.name
    max: 9
    window: 2m
  # errors summed over the fleet: each host logs 2
  - id: error-spike
    type: threshold
    where: 'log.level: error'
    threshold: 6
    window: 2m
  - id: host-dead
    type: flatline
    where: 'event.dataset: "app.heartbeat"'
    group_by: [host.name]
    window: ${WINDOW_MS / 1000}s
    allowed_lateness: ${LATENESS_MS / 1000}s
    notify_resolved: true
`));
    // the hosts that write a heartbeat every second, and the time of each one's last
    const beating = new Set(hosts);
    const lastBeat = new Map<string, number>();
    const beat = (): void => {
      const now = Date.now();
      for (const h of beating) {
        writeLines(join(tmp.path, h), [{ '@timestamp': new Date(now).toISOString(), event: { dataset: 'app.heartbeat' }, message: 'alive' }]);
        lastBeat.set(h, now);
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const all = [runner, ...agents];
    const read = (): Array<Record<string, any>> => readStore(join(tmp.path, 'runner', 'events')) as Array<Record<string, any>>;
    const alerts = (): ReceivedAlert[] => receivedAlerts(receiver);
    const brief = (a: ReceivedAlert) => [a.rule, a.state, JSON.stringify(a.group)];
    // each log file begins with a line of its own: a file's identity, and so its lines' document ids,
    // come from its first line, and identical files on two hosts would share their ids in Elasticsearch
    for (const h of hosts) writeLines(join(tmp.path, h), [{ '@timestamp': new Date().toISOString(), message: `log of ${h} opened` }]);
    try {
      runner.start();
      for (const a of agents) a.start();
      beat();
      timer = setInterval(beat, 1000);
      // every host's heartbeats reach the runner
      await waitFor(() => hosts.every((h) => read().some((e) => e.host?.name === h)), 60_000, 'heartbeats of every host read by the runner');
      await sleep(WINDOW_MS); // each host has been known to the rule for a whole window

      // a spray from 203.0.113.7 over 9 accounts, 3 on each host, and a second address trying 2 per host
      // (6 in all, under the max); 2 errors on each host (6 in all, the threshold)
      hosts.forEach((h, i) => {
        const now = new Date().toISOString();
        writeLines(join(tmp.path, h), [
          ...[0, 1, 2].map((k) => ({ '@timestamp': now, event: { code: '4625' }, source: { ip: '203.0.113.7' }, user: { name: `user-${i * 3 + k}` } })),
          ...[0, 1].map((k) => ({ '@timestamp': now, event: { code: '4625' }, source: { ip: '198.51.100.2' }, user: { name: `user-${i * 2 + k}` } })),
          ...[0, 1].map((k) => ({ '@timestamp': now, log: { level: 'error' }, message: `failure ${k} on ${h}` })),
        ]);
      });
      await waitFor(() => alerts().length >= 2, 30_000, 'the spray and the error spike');
      await sleep(3000); // nothing more comes of them
      expect(alerts().map(brief).sort()).to.deep.equal([
        ['error-spike', 'firing', '{}'],
        ['password-spray', 'firing', JSON.stringify({ 'source.ip': '203.0.113.7' })],
      ]);
      const spray = alerts().find((a) => a.rule === 'password-spray')!;
      expect(spray.count).to.equal(9);
      expect(alerts().find((a) => a.rule === 'error-spike')!.count).to.equal(6);

      // host-c's agent stops for good: its heartbeats end; the last one is in Elasticsearch before the agent goes
      beating.delete('host-c');
      const lastC = lastBeat.get('host-c')!;
      await waitFor(async () => (await countDocs(target, { bool: { filter: [{ term: { 'host.name': 'host-c' } }, { range: { '@timestamp': { gte: new Date(lastC).toISOString() } } }] } })) === 1, 30_000, 'host-c\'s last heartbeat stored');
      await agents[2].stop();
      await waitFor(() => alerts().some((a) => a.rule === 'host-dead'), 60_000, 'the dead-host alert');
      const dead = alerts().filter((a) => a.rule === 'host-dead');
      expect(dead.map(brief)).to.deep.equal([['host-dead', 'firing', JSON.stringify({ 'host.name': 'host-c' })]]);
      // the first window without the heartbeat ends 10 s + 1 ms after it, in event time
      expect(dead[0].fired_at).to.equal(new Date(lastC + WINDOW_MS + 1).toISOString());
      expect(dead[0].count).to.equal(0);
      // in wall-clock time: not before that window has passed by the runner's clock plus the lateness,
      // and within window + poll interval + 5 s (lateness included) of the heartbeat
      const after = dead[0].at - lastC;
      expect(after).to.be.at.least(WINDOW_MS + LATENESS_MS);
      expect(after).to.be.at.most(WINDOW_MS + POLL_MS + 5000);

      // host-c comes back: its alert resolves; host-a and host-b never flatlined
      agents[2].start();
      beating.add('host-c');
      await waitFor(() => alerts().some((a) => a.rule === 'host-dead' && a.state === 'resolved'), 60_000, 'the dead-host alert resolved');
      await sleep(3000);
      expect(alerts().slice(2).map(brief)).to.deep.equal([
        ['host-dead', 'firing', JSON.stringify({ 'host.name': 'host-c' })],
        ['host-dead', 'resolved', JSON.stringify({ 'host.name': 'host-c' })],
      ]);
      expect(alerts().slice(0, 2).map((a) => a.rule).sort()).to.deep.equal(['error-spike', 'password-spray']);
      // each notification delivered once
      expect(new Set(alerts().map((a) => a.key)).size).to.equal(alerts().length);
    } catch (err) {
      for (const p of all) console.log(`--- ${p.name}\n${p.output()}`);
      console.log(JSON.stringify(alerts().map((a) => ({ ...a, at: new Date(a.at).toISOString() }))));
      throw err;
    } finally {
      clearInterval(timer);
      await Promise.all(all.map((p) => p.stop()));
      await receiver.stop();
      await deleteTarget(target);
      tmp.cleanup();
    }
  });
});
