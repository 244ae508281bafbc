/** Windows event levels by the names the configuration uses (System/Level: 1 critical … 5 verbose; 0 is logged as information). */
const LEVELS: Record<string, number[]> = {
  critical: [1], error: [2], warning: [3], warn: [3], information: [0, 4], info: [0, 4], verbose: [5], debug: [5],
};

/** Level names of the configuration → numeric levels; unknown names throw. Numbers pass through. */
export function levelNumbers(names: string[]): number[] {
  const out = new Set<number>();
  for (const raw of names) {
    const n = raw.trim().toLowerCase();
    if (/^\d+$/.test(n)) { out.add(Number(n)); continue; }
    const v = LEVELS[n];
    if (!v) throw new Error(`unknown Windows event level "${raw}" (critical, error, warning, information, verbose)`);
    for (const x of v) out.add(x);
  }
  return [...out].sort((a, b) => a - b);
}
