/**
 * Sets of code points as sorted, merged ranges, and the classes JavaScript regexes name
 * (`\d`, `\w`, `\s`, `.`'s line terminators), for the regex-safety analysis.
 */

export type Ranges = Array<[number, number]>;

export const MAX_CP = 0x10ffff;
export const DIGIT: Ranges = [[48, 57]];
export const WORD: Ranges = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
export const SPACE: Ranges = normalise([
  [9, 13],
  [32, 32],
  [160, 160],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);
export const LINE_TERMINATORS: Ranges = [
  [10, 10],
  [13, 13],
  [0x2028, 0x2029],
];


export function normalise(r: Ranges): Ranges {
  const s = r.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function complement(r: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [a, b] of normalise(r)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

export function intersects(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

export function caseFold(r: Ranges): Ranges {
  const extra: Ranges = [];
  for (const [a, b] of r) {
    const lo = Math.max(a, 97);
    const hi = Math.min(b, 122);
    if (lo <= hi) extra.push([lo - 32, hi - 32]);
    const LO = Math.max(a, 65);
    const HI = Math.min(b, 90);
    if (LO <= HI) extra.push([LO + 32, HI + 32]);
  }
  return normalise([...r, ...extra]);
}

