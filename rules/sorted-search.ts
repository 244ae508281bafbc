/** Binary searches over an ascending array of numbers, from index `from` (a window's first live entry) to its end. */

/** the first index at or after `from` whose value is >= `x` (the array's length if none) */
export function lowerBound(a: readonly number[], x: number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** the first index at or after `from` whose value is > `x` (the array's length if none) */
export function upperBound(a: readonly number[], x: number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
