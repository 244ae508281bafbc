/**
 * Values counted in logarithmic buckets, the mapping of DDSketch (Masson, Rim and Lee, "DDSketch: a fast
 * and fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019): a positive x falls in
 * bucket i = ceil(log_γ x) with γ = (1 + α) / (1 − α), and the bucket stands for 2γ^i / (γ + 1), which
 * is within a relative error α of every value in it. Negative values are bucketed by their magnitude;
 * magnitudes below MIN_MAGNITUDE count as zero. Unlike a sample or a t-digest, a value can be taken out
 * again (its bucket's count goes down), so a sliding window can hold its values here.
 */
export const RELATIVE_ERROR = 0.01;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LN_GAMMA = Math.log(GAMMA);
const MIN_MAGNITUDE = 1e-9;

/** counts by bucket index for one sign, in a dense array that grows at either end */
class Buckets {
  counts: number[] = [];
  /** bucket index of counts[0] */
  offset = 0;

  add(i: number, n: number): void {
    if (this.counts.length === 0) {
      this.offset = i;
      this.counts.push(0);
    } else if (i < this.offset) {
      this.counts.unshift(...new Array<number>(this.offset - i).fill(0));
      this.offset = i;
    } else if (i >= this.offset + this.counts.length) {
      for (let k = this.offset + this.counts.length; k <= i; k++) this.counts.push(0);
    }
    this.counts[i - this.offset] += n;
  }

  remove(i: number, n: number): void {
    const k = i - this.offset;
    if (k >= 0 && k < this.counts.length) this.counts[k] = Math.max(0, this.counts[k] - n);
  }
}

export class LogBuckets {
  private pos = new Buckets();
  private neg = new Buckets();
  private zeros = 0;
  count = 0;

  add(x: number, n = 1): void {
    this.count += n;
    if (Math.abs(x) < MIN_MAGNITUDE) this.zeros += n;
    else if (x > 0) this.pos.add(indexOf(x), n);
    else this.neg.add(indexOf(-x), n);
  }

  remove(x: number, n = 1): void {
    this.count = Math.max(0, this.count - n);
    if (Math.abs(x) < MIN_MAGNITUDE) this.zeros = Math.max(0, this.zeros - n);
    else if (x > 0) this.pos.remove(indexOf(x), n);
    else this.neg.remove(indexOf(-x), n);
  }

  /** the value of rank r (1 = smallest), within the relative error; undefined when r is out of range */
  atRank(r: number): number | undefined {
    if (r < 1 || r > this.count) return undefined;
    let seen = 0;
    const neg = this.neg.counts;
    for (let k = neg.length - 1; k >= 0; k--) {
      seen += neg[k];
      if (seen >= r) return -valueOf(k + this.neg.offset);
    }
    seen += this.zeros;
    if (seen >= r) return 0;
    const pos = this.pos.counts;
    for (let k = 0; k < pos.length; k++) {
      seen += pos[k];
      if (seen >= r) return valueOf(k + this.pos.offset);
    }
    return undefined;
  }
}

function indexOf(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LN_GAMMA);
}

function valueOf(i: number): number {
  return (2 * Math.pow(GAMMA, i)) / (GAMMA + 1);
}
