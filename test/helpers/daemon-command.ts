import { join } from 'node:path';
import { shebangNodeFlags } from '../../src/cli-node-flags';

export const CLI = join(__dirname, '..', '..', 'src', 'cli.js');

/**
 * The node arguments to start the CLI exactly as its `vigil` bin does: the flags of its shebang line
 * (the daemon's heap cap) and the script.
 */
export function cliArgs(...args: string[]): string[] {
  return [...shebangNodeFlags(CLI), CLI, ...args];
}
