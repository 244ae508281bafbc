import { expect } from 'chai';
import { modelTable, scaleModel } from '../../bench/fleet-scale-model';
import type { FleetReadFigures } from '../../bench/fleet-throughput';

/** bench/fleet-scale-model.ts: the README's "costs and scaling" table, from measured figures (hand-computed here). */
describe('the fleet scaling model (bench)', () => {
  const fig: FleetReadFigures = {
    docs: 1_000_000, matching: 10_000, meanDocBytes: 342,
    eventsPerS: [3000, 1000, 2000], docsPerS: [], runnerCpuUsPerEvent: [], esCpuUsPerEvent: [50, 40, 60], esCpuUsPerDoc: [],
    searchBytesPerEvent: [400], requestsPerKEvents: [], steadyRequestsPerS: 3, steadyByKind: {}, wholeSourceBytesPerEvent: 500,
  };
  const env = { VIGIL_MODEL_EPS_PER_HOST: '10', VIGIL_MODEL_SHARE: '0.01', VIGIL_MODEL_SHARD_EPS: '5000', VIGIL_MODEL_LOAD: '0.25' };

  it('takes the medians of the measured rounds and sizes runners, shards, requests, CPU and bytes', () => {
    const [small, , large] = scaleModel(fig, [100, 1000, 10_000], env);
    // 10,000 hosts × 10/s = 100,000/s in; 1% = 1,000/s fetched; 20 shards of 5,000/s;
    // runners: 1,000 / (2,000 × 0.25) = 2, plus a spare = 3 (at 10%: 10,000 / 500 + 1 = 21, 21 × 22.3 + 10 = 478.3 requests/s); requests: 3 × (2 + 20 + 0.3) + 1,000 / 1,000 = 67.9
    expect(large.ingestEps).to.equal(100_000);
    expect(large.fetchedEps).to.equal(1000);
    expect(large.shards).to.equal(20);
    expect(large.runners).to.equal(3);
    expect(large.requestsPerS).to.be.closeTo(67.9, 1e-9);
    expect(large.esCores).to.be.closeTo(0.05, 1e-12); // 1,000/s × 50 µs
    expect(large.fetchedMBps).to.be.closeTo(0.4, 1e-12); // 1,000/s × 400 B
    expect(large.wholeMBps).to.be.closeTo(50, 1e-12); // 100,000/s × 500 B
    // 100 hosts: 10/s fetched, one shard, one runner's worth plus the spare
    expect(small.runners).to.equal(2);
    expect(small.shards).to.equal(1);
    expect(small.requestsPerS).to.be.closeTo(2 * 3.3 + 0.01, 1e-9);
  });

  it('prints the assumptions and a markdown row per size', () => {
    const text = modelTable(fig, { ...env, VIGIL_MODEL_SHARE: '0.1' });
    expect(text).to.include('10% fetched by fleet rules');
    expect(text).to.include('| 10,000 | 100,000 | 10,000 | 20 | 21 | 478 | 0.50 | 4.00 (50.0) |');
  });
});
