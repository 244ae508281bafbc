import { expect } from 'chai';
import { join } from 'node:path';
import { countDocs, deleteTarget, uniqueTarget } from '../helpers/es';
import { readStore } from '../helpers/event-store';
import { agentYaml, BlockingProxy, receivedAlerts, runnerYaml, VigilProcess, writeLines } from '../helpers/fleet-processes';
import { tempDir } from '../helpers/temp-dir';
import { sleep, waitFor } from '../helpers/wait';
import { WebhookTestServer } from '../helpers/webhook-test-server';

const BLOCK_MS = 60_000;

/**
 * SPEC 7 / issue 15: an agent whose way to Elasticsearch is cut for 60 s (a TCP proxy that drops its
 * connections and refuses new ones) spools and retries, and ships its backlog late, with @timestamps up
 * to a minute older than what the fleet runner has read meanwhile from another agent. The runner counts
 * every event once: a threshold reached exactly at the last event, and one above it that never fires.
 */
describe('a late agent\'s backlog → one fleet runner (the shared Elasticsearch)', function () {
  this.timeout(300_000);

  it('an agent blocked from Elasticsearch for 60 s ships its backlog late: each event counted exactly once', async () => {
    const tmp = tempDir('fleet-late');
    const target = uniqueTarget('fleetlate');
    const receiver = new WebhookTestServer();
    const hook = `http://127.0.0.1:${await receiver.start()}/hook`;
    const proxy = new BlockingProxy();
    await proxy.start();
    const lateDir = join(tmp.path, 'host-late');
    const onTimeDir = join(tmp.path, 'host-ontime');
    const late = new VigilProcess('host-late', lateDir, agentYaml(lateDir, 'host-late', target, `http://127.0.0.1:${proxy.port}`));
    const onTime = new VigilProcess('host-ontime', onTimeDir, agentYaml(onTimeDir, 'host-ontime', target));
    // the events of both hosts in one window of 2 minutes: 30 from the late host, 10 from the other;
    // the lateness (3 minutes) covers the backlog's age when it arrives (README: the Elasticsearch input)
    const rule = (id: string, threshold: number) => `
  - id: ${id}
    type: threshold
    where: 'event.code: 7001'
    threshold: ${threshold}
    window: 2m
    allowed_lateness: 3m
    include: [host.name, seq]`;
    const runner = new VigilProcess('runner', join(tmp.path, 'runner'), runnerYaml(join(tmp.path, 'runner'), `${target}*`, `
notifiers:
  hook: { type: webhook, url: "${hook}", format: json }
defaults:
  notify: [hook]
rules:${rule('spool-count', 40)}${rule('spool-twice', 41)}
`));
    const all = [runner, late, onTime];
    let seq = 0;
    const emit = (dir: string, host: string): string => {
      const ts = new Date().toISOString();
      writeLines(dir, [{ '@timestamp': ts, event: { code: '7001' }, message: `event ${seq} of ${host}`, seq: seq++ }]);
      return ts;
    };
    const readByRunner = (): Array<Record<string, any>> =>
      (readStore(join(tmp.path, 'runner', 'events')) as Array<Record<string, any>>).filter((e) => e.event?.code === '7001');
    const alerts = () => receivedAlerts(receiver);
    // each log file begins with a line of its own (a file's first line gives its lines' document ids)
    writeLines(lateDir, [{ '@timestamp': new Date().toISOString(), message: 'log of host-late opened' }]);
    writeLines(onTimeDir, [{ '@timestamp': new Date().toISOString(), message: 'log of host-ontime opened' }]);
    try {
      runner.start();
      late.start();
      onTime.start();
      // 10 events of the late host, read by the runner before the cut
      for (let i = 0; i < 10; i++) emit(lateDir, 'host-late');
      await waitFor(() => readByRunner().length === 10, 60_000, 'the first 10 events read by the runner');

      proxy.block();
      const blockedAt = Date.now();
      // during the cut: 20 more on the late host (every 3 s) and 10 on the other (every 6 s), which the
      // runner reads as they come
      let lastTs = '';
      for (let k = 0; k < 20; k++) {
        if (k % 2 === 1) emit(onTimeDir, 'host-ontime');
        lastTs = emit(lateDir, 'host-late');
        await sleep(2900);
      }
      await waitFor(() => readByRunner().length === 20, 30_000, 'the other host\'s 10 events read during the cut');
      // nothing of the backlog got through: the late host's documents are still the first 10
      expect(await countDocs(target, { bool: { filter: [{ term: { 'event.code': '7001' } }, { term: { 'host.name': 'host-late' } }] } })).to.equal(10);
      expect(alerts()).to.deep.equal([]);
      await sleep(Math.max(0, blockedAt + BLOCK_MS - Date.now()));
      proxy.unblock();

      // the backlog arrives (the agent's retries back off up to 30 s): the 40th event fires the alert
      await waitFor(() => alerts().length > 0, 120_000, 'the threshold alert');
      await waitFor(() => readByRunner().length === 40, 30_000, 'every event read by the runner');
      await sleep(3000); // a poll or more after the last: nothing else fires
      expect(alerts().map((a) => [a.rule, a.state, a.count])).to.deep.equal([['spool-count', 'firing', 40]]);
      // it fired on the backlog's last event, not sooner: no event was counted twice
      expect(alerts()[0].last_event).to.equal(lastTs);
      // the runner read each event once
      const ids = readByRunner().map((e) => e._id as string);
      expect(new Set(ids).size).to.equal(40);
      expect(readByRunner().map((e) => e.seq as number).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
      // and Elasticsearch holds each once (the agent's resends after the cut came back as 409)
      expect(await countDocs(target, { term: { 'event.code': '7001' } })).to.equal(40);
    } catch (err) {
      for (const p of all) console.log(`--- ${p.name}\n${p.output()}`);
      console.log(JSON.stringify(alerts()));
      throw err;
    } finally {
      await Promise.all(all.map((p) => p.stop()));
      await proxy.stop();
      await receiver.stop();
      await deleteTarget(target);
      tmp.cleanup();
    }
  });
});
