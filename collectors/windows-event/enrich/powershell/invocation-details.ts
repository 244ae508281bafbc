/**
 * PowerShell's command invocation details (classic event 800's `param3`, Operational 4103's `Payload`),
 * one per line, as Winlogbeat's powershell module turns them into `powershell.command.invocation_details`:
 * `Type(Command): value` → `{type, related_command, value}`, and a `ParameterBinding` line's
 * `name="N"; value="V"` → `{type, related_command, name, value}`; a line of another form is `{value}`.
 */
export interface InvocationDetail { type?: string; related_command?: string; name?: string; value?: string }

const DETAIL = /^([^:(]+)\((.+)\):\s*(.+)?$/;
const BINDING = /name=(.+);\s*value=(.+)$/;

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
    const b = BINDING.exec(m[3]);
    if (!b) { out.push({ value: m[3] }); continue; }
    out.push({ type: m[1], related_command: m[2], name: b[1], value: b[2] });
  }
  return out;
}
