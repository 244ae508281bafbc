import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { FLEET_LEASE_DEFAULTS } from '../../src/runtime/fleet';
import { testConfig } from '../helpers/config';
import { testLogger } from '../helpers/logger';
import { tempDir } from '../helpers/temp-dir';
import { es, testEsUrl } from '../helpers/es';
import { uniqueLeaseIndex, dropIndex } from '../helpers/fleet';
import { waitFor } from '../helpers/wait';

const rule = (id: string) => `  - id: ${id}\n    type: pattern\n    where: 'event.code: 1102'\n`;

describe('a fleet runner (in process): the rules file decides the leases', function () {
  this.timeout(120_000);

  it('a reload adds the new rule to the leases (acquired, windows re-read) and releases the removed one', async () => {
    const tmp = tempDir('fleet-reload');
    const index = `vigil-fleetreload-${Date.now().toString(36)}`;
    const leaseIndex = uniqueLeaseIndex('reload');
    writeFileSync(join(tmp.path, 'rules.yaml'), `rules:\n${rule('first')}`);
    const cfg = testConfig(tmp.path, [], {}, {
      inputs: [{ type: 'elasticsearch', id: 'es', url: testEsUrl(), index, request_timeout_ms: 5000, poll_interval_ms: 200, batch_size: 100, start_at: 'beginning', refresh: true }],
      fleet: { input: 'es', leases: { ...FLEET_LEASE_DEFAULTS, index: leaseIndex, fleet: 'reload', lease_ms: 3000 }, lease_ms_at: { file: '<test>', line: 1, col: 1 } },
    });
    const daemon = new Daemon(cfg, { log: testLogger(), metrics: new Metrics() });
    const fleet = () => daemon.status().fleet as { owned_rules: string[]; takeovers: Array<{ rule: string; state: string }> };
    const leaseOwner = async (r: string) => (await es('GET', `/${leaseIndex}/_doc/${encodeURIComponent(`reload/lease/${r}`)}`)).body?._source?.owner;
    try {
      await daemon.start();
      await waitFor(() => fleet().owned_rules.join() === 'first', 30_000, 'the first rule owned');
      writeFileSync(join(tmp.path, 'rules.yaml'), `rules:\n${rule('second')}`);
      expect((await daemon.reload()).ok).to.equal(true);
      await waitFor(() => fleet().owned_rules.join() === 'second', 30_000, 'the second rule owned, the first given up');
      expect(fleet().takeovers.map((t) => [t.rule, t.state])).to.deep.equal([['first', 'done'], ['second', 'done']]);
      await waitFor(async () => (await leaseOwner('first')) === null, 10_000, 'the first rule\'s lease released');
      expect(await leaseOwner('second')).to.equal(daemon.fleet!.leases.member);
      expect(daemon.health().find((h) => h.name === 'fleet')).to.deep.equal({ name: 'fleet', ok: true });
    } finally {
      await daemon.stop(2000);
      await dropIndex(leaseIndex);
      tmp.cleanup();
    }
  });
});
