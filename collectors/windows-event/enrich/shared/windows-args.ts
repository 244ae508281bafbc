/**
 * A Windows command line split into its arguments as the C runtime does (CommandLineToArgvW), which is
 * what Winlogbeat puts in `process.args`: blanks (space, tab) separate arguments outside quotes; a
 * double quote toggles quoting and is dropped; 2n backslashes before a quote give n backslashes and the
 * quote acts, 2n+1 give n and a literal quote; backslashes not before a quote are literal; inside quotes
 * a doubled quote `""` is one literal quote (the pre-2008 rule Winlogbeat follows).
 */
export function splitCommandLine(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = cmd.length;
  while (i < n) {
    while (i < n && (cmd[i] === ' ' || cmd[i] === '\t')) i++;
    if (i >= n) break;
    let arg = '';
    let quoted = false;
    let slashes = 0;
    for (; i < n; i++) {
      const c = cmd[i];
      if (c === '\\') { slashes++; continue; }
      if (c === '"') {
        arg += '\\'.repeat(slashes >> 1);
        if (slashes % 2 === 1) arg += '"';
        else if (quoted && cmd[i + 1] === '"') { arg += '"'; i++; quoted = !quoted; }
        else quoted = !quoted;
        slashes = 0;
        continue;
      }
      arg += '\\'.repeat(slashes);
      slashes = 0;
      if (!quoted && (c === ' ' || c === '\t')) break;
      arg += c;
    }
    arg += '\\'.repeat(slashes);
    args.push(arg);
  }
  return args;
}
