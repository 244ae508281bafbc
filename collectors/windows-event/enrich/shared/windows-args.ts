/**
 * A Windows command line split into its arguments as the C runtime does (CommandLineToArgvW), which is
 * what Winlogbeat puts in `process.args`: blanks (space, tab) separate arguments outside quotes; a
 * double quote toggles quoting and is dropped; 2n backslashes before a quote give n backslashes and the
 * quote acts, 2n+1 give n and a literal quote; backslashes not before a quote are literal; inside quotes
 * a doubled quote `""` is one literal quote (the pre-2008 rule Winlogbeat follows).
 */
export function splitCommandLine(cmd: string): string[] {
  // no quote: every backslash is literal, blanks alone separate
  if (cmd.indexOf('"') === -1) return cmd.split(/[ \t]+/).filter((a) => a !== '');
  const args: string[] = [];
  const n = cmd.length;
  let i = 0;
  while (i < n) {
    while (i < n && (cmd.charCodeAt(i) === 32 || cmd.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    let arg = '';
    let quoted = false;
    let seg = i; // start of the text not yet copied into arg
    while (i < n) {
      const c = cmd.charCodeAt(i);
      if (c === 92) { // backslashes: special only before a quote
        let j = i;
        while (j < n && cmd.charCodeAt(j) === 92) j++;
        if (j < n && cmd.charCodeAt(j) === 34) {
          arg += cmd.slice(seg, i) + '\\'.repeat((j - i) >> 1);
          if ((j - i) & 1) { arg += '"'; i = j + 1; } else i = j; // odd: a literal quote; even: the quote acts
          seg = i;
          continue;
        }
        i = j;
        continue;
      }
      if (c === 34) {
        arg += cmd.slice(seg, i);
        if (quoted && cmd.charCodeAt(i + 1) === 34) { arg += '"'; i += 2; quoted = false; } else { quoted = !quoted; i++; }
        seg = i;
        continue;
      }
      if (!quoted && (c === 32 || c === 9)) break;
      i++;
    }
    args.push(arg + cmd.slice(seg, i));
  }
  return args;
}
