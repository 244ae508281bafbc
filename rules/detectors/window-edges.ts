import { lowerBound } from '../sorted-search';

/**
 * The window ends T in (from, to] at which a window boundary crosses an event, over the ascending event
 * times `times` (live from index `head`): an event at t enters [T − window, T) at T = t + 1 and leaves it
 * at T = t + window + 1, so with offsets [0, window] these are the only ends at which what a window holds
 * can change (a spike's baseline adds window + baseline). Ascending, each once.
 */
export function windowEdges(times: readonly number[], head: number, from: number, to: number, offsets: readonly number[]): number[] {
  const out: number[] = [];
  for (const o of offsets) {
    // t + 1 + o > from  ⇔  t >= from − o
    for (let i = lowerBound(times, from - o, head); i < times.length; i++) {
      const e = times[i] + 1 + o;
      if (e > to) break;
      out.push(e);
    }
  }
  if (offsets.length > 1) out.sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < out.length; i++) if (n === 0 || out[i] !== out[n - 1]) out[n++] = out[i];
  out.length = n;
  return out;
}
