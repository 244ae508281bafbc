/**
 * The position automaton (Glushkov construction) of a parsed regex that keeps, for each
 * transition, how many distinct ways the backtracking matcher can take it (capped at 2): `(a+)+`
 * gives the a→a transition twice (inner and outer loop). `{n,m}` is expanded when small,
 * otherwise treated as `{n,}`.
 */
import type { Ranges } from './char-ranges';
import type { RNode } from './regex-parser';

/** position → number of ways (1 or 2) */
export type Counts = Map<number, number>;
export interface Info {
  nullable: number;
  first: Counts;
  last: Counts;
}

const MAX_POSITIONS = 400;

/** Throws "too large" past MAX_POSITIONS positions (the analysis then gives no answer). */
export class PositionAutomaton {
  readonly sets: Ranges[] = [];
  readonly follow: Counts[] = [];

  private add(into: Counts, from: Counts, mult = 1): void {
    if (mult === 0) return;
    for (const [p, c] of from) into.set(p, Math.min(2, (into.get(p) ?? 0) + c * mult));
  }

  private link(last: Counts, first: Counts): void {
    for (const [p, c1] of last) {
      const f = this.follow[p];
      for (const [q, c2] of first) f.set(q, Math.min(2, (f.get(q) ?? 0) + c1 * c2));
    }
  }

  build(n: RNode): Info {
    if (this.sets.length > MAX_POSITIONS) throw new Error('too large');
    switch (n.k) {
      case 'empty':
        return { nullable: 1, first: new Map(), last: new Map() };
      case 'set': {
        const p = this.sets.length;
        this.sets.push(n.set);
        this.follow.push(new Map());
        return { nullable: 0, first: new Map([[p, 1]]), last: new Map([[p, 1]]) };
      }
      case 'alt': {
        const out: Info = { nullable: 0, first: new Map(), last: new Map() };
        for (const a of n.alts) {
          const x = this.build(a);
          out.nullable = Math.min(2, out.nullable + x.nullable);
          this.add(out.first, x.first);
          this.add(out.last, x.last);
        }
        return out;
      }
      case 'seq': {
        let acc: Info = { nullable: 1, first: new Map(), last: new Map() };
        for (const it of n.items) acc = this.concat(acc, this.build(it));
        return acc;
      }
      case 'rep': {
        const { min, max, body } = n;
        if (max === 0) return { nullable: 1, first: new Map(), last: new Map() };
        const size = countSets(body);
        if (max !== Infinity && max * size <= 64) {
          // r{n,m} = r^n (r (r ...)?)?
          let acc: Info = { nullable: 1, first: new Map(), last: new Map() };
          for (let k = 0; k < min; k++) acc = this.concat(acc, this.build(body));
          if (max > min) acc = this.concat(acc, this.optionalChain(body, max - min));
          return acc;
        }
        // r{n,} (or a large r{n,m}) = r^(n-1) r+   (r* = (r+)?)
        let acc: Info = { nullable: 1, first: new Map(), last: new Map() };
        for (let k = 0; k < Math.min(Math.max(min - 1, 0), 2); k++) acc = this.concat(acc, this.build(body));
        const b = this.build(body);
        this.link(b.last, b.first);
        const loop: Info = { nullable: min === 0 ? 1 : b.nullable, first: b.first, last: b.last };
        return this.concat(acc, loop);
      }
    }
  }

  private optionalChain(body: RNode, k: number): Info {
    // (r (rest)?)?
    const b = this.build(body);
    const inner = k > 1 ? this.optionalChain(body, k - 1) : undefined;
    const x = inner ? this.concat(b, inner) : b;
    return { nullable: 1, first: x.first, last: x.last };
  }

  private concat(a: Info, b: Info): Info {
    this.link(a.last, b.first);
    const first: Counts = new Map(a.first);
    this.add(first, b.first, a.nullable);
    const last: Counts = new Map(b.last);
    this.add(last, a.last, b.nullable);
    return { nullable: Math.min(2, a.nullable * b.nullable), first, last };
  }
}

export function countSets(n: RNode): number {
  switch (n.k) {
    case 'set':
      return 1;
    case 'empty':
      return 0;
    case 'seq':
      return n.items.reduce((a, x) => a + countSets(x), 0);
    case 'alt':
      return n.alts.reduce((a, x) => a + countSets(x), 0);
    case 'rep':
      return countSets(n.body) * (n.max === Infinity ? 2 : Math.max(1, n.max));
  }
}
