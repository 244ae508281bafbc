/**
 * The fleet benchmarks of `npm run bench` (VIGIL_BENCH_FLEET=0 skips them): on one Elasticsearch
 * (VIGIL_BENCH_ES_URL, VIGIL_TEST_ES_URL, or scripts/elasticsearch.sh), the alert latency agent →
 * fleet runner next to ElastAlert2 (fleet-latency.ts), the runner's read throughput (fleet-throughput.ts),
 * and the scaling model fed with the latter's figures (fleet-scale-model.ts).
 */
import { benchElasticsearch } from './bench-es';
import { fleetLatencyBench } from './fleet-latency';
import { modelTable } from './fleet-scale-model';
import { fleetThroughputBench } from './fleet-throughput';

export async function fleetBenches(print: (t: string) => void, cacheDir: string): Promise<void> {
  const es = benchElasticsearch(cacheDir, print);
  try {
    await fleetLatencyBench(print, cacheDir, es.url);
    const fig = await fleetThroughputBench(print, cacheDir, es.url);
    print('\n## the fleet on paper (bench/fleet-scale-model.ts, fed with the figures above)\n');
    print(modelTable(fig));
  } finally {
    es.stop();
  }
}
