import { addRelated, baseName, isObj, objAt, present, windowsNumber, type Obj } from './doc-fields';
import { idSet } from './id-sets';

/**
 * The process and network side of Security events, as Winlogbeat's security module reads it:
 * `process.*` (the process that asked for a logon or account change; for 4688 the new process, with its
 * parent and command line), `source.ip`/`port`/`domain` (where a logon came from), `service.*` (4697)
 * and `related.ip`. Windows writes `-` where there is nothing (a network logon has no local process):
 * such values are left out rather than indexed.
 */

/** Events whose ProcessId/ProcessName/IpAddress/IpPort/WorkstationName are the requesting process and source. */
const COMMON_FIELDS = idSet('1100 1102 1104 1105 1108 4624 4625 4648 4670 4673 4674 4689 4697 4719 4720 4722-4735 4737 4738 4740-4764 4767-4771 4798 4799 4817 4904 4905 4907 4912');

/** Services Types of 4697 (ServiceType) → `service.type`. */
const SERVICE_TYPES: Record<string, string> = {
  '0x1': 'Kernel Driver', '0x2': 'File System Driver', '0x8': 'Recognizer Driver', '0x10': 'Win32 Own Process',
  '0x20': 'Win32 Share Process', '0x110': 'Interactive Own Process', '0x120': 'Interactive Share Process',
};

/**
 * A command line → its arguments: split at white space outside double quotes, the quotes kept
 * (`"C:\Program Files\x.exe" -a` → `['"C:\Program Files\x.exe"', '-a']`), empty arguments dropped.
 */
export function commandLineArgs(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of cmd) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

function setProcess(proc: Obj, pidText: unknown, executable: unknown): void {
  const pid = windowsNumber(pidText);
  if (present(executable)) {
    proc.executable = executable;
    proc.name = baseName(executable);
  }
  if (pid !== undefined && (pid !== 0 || present(executable))) proc.pid = pid;
}

export function enrichSecurityProcess(doc: Obj, winlog: Obj, code: string): void {
  const ed: Obj = isObj(winlog.event_data) ? winlog.event_data : {};
  const proc: Obj = {};

  if (COMMON_FIELDS.has(code)) {
    setProcess(proc, ed.ProcessId, ed.ProcessName);
    const source: Obj = {};
    if (present(ed.IpAddress)) source.ip = ed.IpAddress.replace(/^::ffff:/i, '');
    const port = windowsNumber(ed.IpPort);
    if (port !== undefined) source.port = port;
    if (present(ed.WorkstationName)) source.domain = ed.WorkstationName;
    if (Object.keys(source).length > 0) Object.assign(objAt(doc, 'source'), source);
    addRelated(doc, 'ip', ed.ClientAddress);
  }

  if (code === '4688') {
    setProcess(proc, ed.NewProcessId, ed.NewProcessName);
    const parent: Obj = {};
    setProcess(parent, ed.ProcessId, ed.ParentProcessName);
    if (parent.pid === undefined && windowsNumber(ed.ProcessId) !== undefined) parent.pid = windowsNumber(ed.ProcessId);
    if (Object.keys(parent).length > 0) proc.parent = parent;
    if (typeof ed.CommandLine === 'string' && ed.CommandLine !== '') {
      proc.command_line = ed.CommandLine;
      proc.args = commandLineArgs(ed.CommandLine);
    }
  }

  if (Object.keys(proc).length > 0) Object.assign(objAt(doc, 'process'), proc);

  if (present(ed.ServiceName)) objAt(doc, 'service').name = ed.ServiceName;
  if (typeof ed.ServiceType === 'string' && SERVICE_TYPES[ed.ServiceType]) objAt(doc, 'service').type = SERVICE_TYPES[ed.ServiceType];

  const src = doc.source;
  if (isObj(src) && present(src.ip)) addRelated(doc, 'ip', src.ip);
}
