/**
 * V8's heap growing factor for daemons that talk to Elasticsearch. Events there wait for the bulk
 * round trip (the output) or come in pages of search results (the input), so more of them outlive a
 * young collection than on the local store's path; with a live heap of some 20 MB, V8's own factor
 * left a few MB of room above it, and the old generation was marked and compacted about every 120 ms
 * (45–53 full collections for 300,000 documents on the Elasticsearch bench). Letting it grow by 100%
 * before the next one: 10–13 full collections, 27–31% less CPU and 8–11% less time on that bench, for
 * 3–18 MB more peak RSS. The local store's path (the embedded default) keeps V8's factor: its memory
 * bound (README) is the one users run without configuring anything.
 */
import { setV8FlagUnlessGiven, type V8FlagEnv } from './v8-flag';
import type { VigilConfig } from './config/types';

export const ES_HEAP_GROWING_PERCENT = 100;

/** Whether the daemon reads from or writes to Elasticsearch. */
export function talksToElasticsearch(cfg: Pick<VigilConfig, 'elasticsearch' | 'inputs'>): boolean {
  return cfg.elasticsearch !== undefined || cfg.inputs.some((i) => i.type === 'elasticsearch');
}

/**
 * Sets the heap growing factor when the daemon talks to Elasticsearch (the flag is read each time V8
 * sizes the old generation after a collection, so setting it at start takes effect); returns the
 * percent set, or null. A `--heap-growing-percent` the user gave node (argv or NODE_OPTIONS) wins.
 */
export function tuneHeapGrowth(cfg: Pick<VigilConfig, 'elasticsearch' | 'inputs'>, env: V8FlagEnv = {}): number | null {
  if (!talksToElasticsearch(cfg)) return null;
  return setV8FlagUnlessGiven('--heap-growing-percent', `--heap-growing-percent=${ES_HEAP_GROWING_PERCENT}`, env) ? ES_HEAP_GROWING_PERCENT : null;
}
