import { join } from 'node:path';
import { shebangNodeFlags } from '../../src/cli/node-flags';

export const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

/**
 * The node arguments to start the CLI exactly as its `vigil` bin does: the flags of its shebang line
 * (the daemon's heap cap) and the script.
 */
export function cliArgs(...args: string[]): string[] {
  return cliArgsOf(CLI, ...args);
}

/** The same for the CLI script at `cli` (a copy of the build elsewhere). */
export function cliArgsOf(cli: string, ...args: string[]): string[] {
  return [...shebangNodeFlags(cli), cli, ...args];
}
