/**
 * Exponential degree of ambiguity (EDA) of a position automaton: exponential backtracking is
 * possible iff some state q can loop back to itself along two different paths reading the same
 * text, which is checked on the product automaton: a strongly connected component that holds a
 * diagonal pair (q,q) and either an off-diagonal pair (p,p') or a doubled diagonal transition.
 */
import { intersects } from './char-ranges';
import type { PositionAutomaton } from './position-automaton';
import { stronglyConnectedComponents } from './strongly-connected';

const MAX_PAIR_EDGES = 2_000_000;

/** Exponential degree of ambiguity? (undefined when too large to tell) */
export function hasExponentialAmbiguity(a: PositionAutomaton): boolean | undefined {
  const n = a.sets.length;
  const follow = a.follow.map((m) => [...m.entries()]);
  const id = (p: number, q: number): number => p * n + q;
  const adj = pairGraph(a, follow);
  if (!adj) return undefined;
  const sccOf = stronglyConnectedComponents(adj);
  const hasDiag = new Set<number>();
  const hasOff = new Set<number>();
  for (const [v, c] of sccOf) {
    const p = Math.floor(v / n);
    const q = v % n;
    if (p === q) hasDiag.add(c);
    else if ((adj.get(v) ?? []).some((w) => sccOf.get(w) === c)) hasOff.add(c);
  }
  for (const c of hasDiag) if (hasOff.has(c)) return true;
  // a doubled transition p→p2 inside a cycle
  for (let p = 0; p < n; p++) {
    for (const [p2, count] of follow[p]) {
      if (count >= 2 && sccOf.get(id(p, p)) === sccOf.get(id(p2, p2)) && sccOf.has(id(p, p))) {
        const c = sccOf.get(id(p, p)) as number;
        // the SCC must have a cycle: more than one node or a self loop
        const self = (adj.get(id(p, p)) ?? []).includes(id(p, p));
        const size = [...sccOf.values()].filter((x) => x === c).length;
        if (size > 1 || self) return true;
      }
    }
  }
  return false;
}

/**
 * The product automaton reachable from the diagonal pairs (p,p): pair (p,q) → (p2,q2) when p→p2
 * and q→q2 can read the same character. Node id of (p,q) is p*n+q. Undefined past MAX_PAIR_EDGES.
 */
function pairGraph(a: PositionAutomaton, follow: Array<Array<[number, number]>>): Map<number, number[]> | undefined {
  const n = a.sets.length;
  const id = (p: number, q: number): number => p * n + q;
  const adj = new Map<number, number[]>();
  let edges = 0;
  const stack: number[] = [];
  for (let p = 0; p < n; p++) {
    adj.set(id(p, p), []);
    stack.push(id(p, p));
  }
  const seen = new Set<number>(stack);
  while (stack.length) {
    const v = stack.pop() as number;
    const p = Math.floor(v / n);
    const q = v % n;
    const out: number[] = adj.get(v) ?? [];
    adj.set(v, out);
    for (const [p2] of follow[p]) {
      for (const [q2] of follow[q]) {
        if (p2 !== q2 && !intersects(a.sets[p2], a.sets[q2])) continue;
        const w = id(p2, q2);
        out.push(w);
        if (++edges > MAX_PAIR_EDGES) return undefined;
        if (!seen.has(w)) {
          seen.add(w);
          stack.push(w);
        }
      }
    }
  }
  return adj;
}
