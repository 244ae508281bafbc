/**
 * V8's allocation-site pretenuring, turned off for the daemon. V8 watches how many objects of each
 * allocation site outlive a young collection; past a threshold it allocates that site's objects in
 * the old generation from then on. A daemon's events are short-lived, but early on (and whenever the
 * sinks are slow) up to `max_inflight_events` of them wait between reading and the sinks, so the
 * sites that make documents can look long-lived and be pretenured for good. Then every document goes
 * to the old generation and is freed only by full collections: on the local store's bench path
 * (256 MB, the repo's rules.yaml) 83 full collections instead of 6, 9.0–10.2 CPU-s instead of
 * 7.1–7.5 and 7.1–8.0 s instead of 6.2–6.5 s; which sites V8 picks, and so whether this happens,
 * changed with as little as which modules the process had loaded. The Elasticsearch path: 7 full
 * collections instead of 10–11 and about 10% less CPU. `vigil evtx` turns it off too (its records are as
 * short-lived): on the 256 MB evtx bench file without workers, 6.0–6.3 s against 6.2–6.6 s in 4 alternated
 * runs (about 3%, near the noise; never slower on average).
 */
import { setV8FlagUnlessGiven, type V8FlagEnv } from './v8-flag';

const FLAG = 'allocation-site-pretenuring';

/**
 * Turns pretenuring off (V8 reads the flag at every young collection, so setting it at start takes
 * effect); returns whether it did. A setting of the flag the user gave node (argv or NODE_OPTIONS) wins.
 */
export function turnOffPretenuring(env: V8FlagEnv = {}): boolean {
  return setV8FlagUnlessGiven(FLAG, `--no-${FLAG}`, env);
}
