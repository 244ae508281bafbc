/** Tarjan's strongly connected components, iterative (no recursion depth limit). */

/** Maps every node of `adj` to the number of its component. */
export function stronglyConnectedComponents(adj: Map<number, number[]>): Map<number, number> {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const sccOf = new Map<number, number>();
  const tstack: number[] = [];
  let counter = 0;
  let sccCount = 0;
  for (const start of adj.keys()) {
    if (index.has(start)) continue;
    const work: Array<[number, number]> = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    tstack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, ei] = top;
      const out = adj.get(v) ?? [];
      if (ei < out.length) {
        top[1]++;
        const w = out[ei];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          tstack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        }
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1][0];
          low.set(parent, Math.min(low.get(parent) as number, low.get(v) as number));
        }
        if (low.get(v) === index.get(v)) {
          let w: number;
          do {
            w = tstack.pop() as number;
            onStack.delete(w);
            sccOf.set(w, sccCount);
          } while (w !== v);
          sccCount++;
        }
      }
    }
  }
  return sccOf;
}
