/**
 * HyperLogLog (Flajolet, Fusy, Gandouet and Meunier, 2007) with 2^12 = 4,096 registers of the 32-bit
 * hash of each value, read with Ertl's improved estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017; the one Redis uses), which needs neither empirical bias tables nor a
 * switch to linear counting for small numbers. Its relative standard error is 1.04 / √4096 = 1.6%:
 * about two estimates in three are within 1.6% of the true number of distinct values, and 99.7%
 * within 4.9%. A sketch can only grow; a window is counted by building its sketch from the hashes
 * of the events in it.
 */
export const HLL_PRECISION = 12;
const M = 1 << HLL_PRECISION;
/** bits of the hash left for the rank once the register index is taken */
const Q = 32 - HLL_PRECISION;
const ALPHA_INF = 1 / (2 * Math.log(2));

/** a 32-bit hash of a string (MurmurHash3's mixing, two UTF-16 code units at a time) */
export function hash32(s: string): number {
  let h = 0x9747b28c;
  const len = s.length;
  let i = 0;
  for (; i + 1 < len; i += 2) h = mixInto(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16), true);
  if (i < len) h = mixInto(h, s.charCodeAt(i), false);
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixInto(h: number, block: number, full: boolean): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  if (!full) return h;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export class HyperLogLog {
  private readonly registers = new Uint8Array(M);

  /** counts a value by its 32-bit hash */
  add(hash: number): void {
    const idx = hash >>> Q;
    // rank: position of the first 1 bit in the remaining Q bits (Q + 1 when they are all 0)
    const rank = Math.min(Math.clz32(hash << HLL_PRECISION), Q) + 1;
    if (rank > this.registers[idx]) this.registers[idx] = rank;
  }

  /** the estimated number of distinct values added */
  estimate(): number {
    const c = new Array<number>(Q + 2).fill(0);
    for (let i = 0; i < M; i++) c[this.registers[i]]++;
    let z = M * tau(1 - c[Q + 1] / M);
    for (let k = Q; k >= 1; k--) z = 0.5 * (z + c[k]);
    z += M * sigma(c[0] / M);
    return (ALPHA_INF * M * M) / z;
  }
}

/** σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1) */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

/** τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3 */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === prev) return z / 3;
  }
}
