/**
 * The `Name=Value` lines PowerShell packs into one event data field: the classic channel's `param2`/
 * `param3` (`\tHostName=ConsoleHost\r\n\tHostVersion=5.1…`) and Operational 4103's `ContextInfo`
 * (`        Host Name = ConsoleHost\r\n…`). Names lose their blanks (`Host Name` → `HostName`, as
 * Winlogbeat's powershell module writes them); values are trimmed; empty values are left out. A line
 * without `=` is skipped; the first `=` splits (values may hold `=`).
 */
export function parseDetailLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).replace(/\s+/g, '');
    const value = line.slice(eq + 1).trim();
    if (name !== '' && value !== '') out[name] = value;
  }
  return out;
}
