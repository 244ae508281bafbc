/**
 * The heap limit the daemon runs with. Its one source is the shebang of src/cli.ts
 * (`#!/usr/bin/env -S node --max-old-space-size=160`), which tsc copies into dist/src/cli.js; a
 * service starts node itself rather than through the shebang, so it reads the flag from there
 * instead of repeating the number.
 */
import * as fs from 'node:fs';

export function heapFlagFromShebang(cliPath: string): string {
  const firstLine = fs.readFileSync(cliPath, 'utf8').split('\n', 1)[0];
  const m = /^#!.*\s(--max-old-space-size=\d+)(\s|$)/.exec(firstLine);
  if (!m) throw new Error(`no --max-old-space-size flag in the first line of ${cliPath}`);
  return m[1];
}
