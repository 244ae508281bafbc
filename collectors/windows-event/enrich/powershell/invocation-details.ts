/**
 * PowerShell's command invocation details (classic event 800's `param3`, Operational 4103's `Payload`),
 * one per line, as Winlogbeat's powershell module turns them into `powershell.command.invocation_details`:
 * `Type(Command): value` → `{type, related_command, value}`, and a `ParameterBinding` line's
 * `name="N"; value="V"` → `{type, related_command, name, value}`; a line of another form is `{value}`.
 */
export interface InvocationDetail { type?: string; related_command?: string; name?: string; value?: string }

const DETAIL = /^([^:(]+)\((.+)\):\s*(.+)?$/;
const VALUE_SEPARATOR = /;\s*value=/g;

/**
 * `…name=N; value=V` → [N, V]: N runs from the first `name=` to the last `; value=` that leaves a
 * non-empty V. (The same as matching `name=(.+);\s*value=(.+)$`, in one pass: that regular expression
 * backtracks quadratically on a long line with many `name=` and no value.)
 */
function nameAndValue(s: string): [string, string] | undefined {
  const start = s.indexOf('name=');
  if (start < 0) return undefined;
  let best: RegExpExecArray | undefined;
  VALUE_SEPARATOR.lastIndex = start + 6;
  for (let m = VALUE_SEPARATOR.exec(s); m; m = VALUE_SEPARATOR.exec(s)) {
    if (m.index + m[0].length < s.length) best = m;
    VALUE_SEPARATOR.lastIndex = m.index + 1;
  }
  if (!best) return undefined;
  return [s.slice(start + 5, best.index), s.slice(best.index + best[0].length)];
}

export function parseInvocationDetails(text: string): InvocationDetail[] {
  const out: InvocationDetail[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = DETAIL.exec(line);
    if (!m) { out.push({ value: line }); continue; }
    if (m[1] !== 'ParameterBinding' || m[3] === undefined) {
      out.push(m[3] === undefined ? { type: m[1], related_command: m[2] } : { type: m[1], related_command: m[2], value: m[3] });
      continue;
    }
    const b = nameAndValue(m[3]);
    if (!b) { out.push({ value: m[3] }); continue; }
    out.push({ type: m[1], related_command: m[2], name: b[0], value: b[1] });
  }
  return out;
}
