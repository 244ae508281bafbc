/**
 * The node flags the `vigil` bin runs with. Their one source is the shebang of src/cli.ts
 * (`#!/usr/bin/env -S node --max-old-space-size=160`), which tsc copies into dist/src/cli/main.js. What
 * starts node itself rather than through the shebang (a service unit, the tests' child daemons, the
 * benchmarks) reads the flags from there instead of repeating them.
 */
import * as fs from 'node:fs';

/** The `--` flags given to node on the first line of `cliPath`. */
export function shebangNodeFlags(cliPath: string): string[] {
  const firstLine = fs.readFileSync(cliPath, 'utf8').split('\n', 1)[0];
  if (!firstLine.startsWith('#!')) return [];
  return firstLine.split(/\s+/).filter((f) => f.startsWith('--'));
}

/** The heap limit flag of the shebang; an error when it has none (a service must not run without it). */
export function heapFlagFromShebang(cliPath: string): string {
  const flag = shebangNodeFlags(cliPath).find((f) => /^--max-old-space-size=\d+$/.test(f));
  if (!flag) throw new Error(`no --max-old-space-size flag in the first line of ${cliPath}`);
  return flag;
}

/**
 * The node flags a service runs the daemon with: every flag of the shebang (the heap limit and the young
 * generation's size, which bound its memory); an error when the heap limit is not among them.
 */
export function serviceNodeFlags(cliPath: string): string[] {
  heapFlagFromShebang(cliPath);
  return shebangNodeFlags(cliPath);
}
