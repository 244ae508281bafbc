import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'src', 'cli.js');

/**
 * The node arguments to start the CLI exactly as its `vigil` bin does: the flags of its shebang line
 * (the daemon's heap cap) and the script.
 */
export function cliArgs(...args: string[]): string[] {
  const first = readFileSync(CLI, 'utf8').split('\n', 1)[0];
  const flags = first.replace(/^#!\S*env -S node\s*/, '').split(/\s+/).filter((f) => f.startsWith('--'));
  return [...flags, CLI, ...args];
}
