import type { EventDoc } from '../../../../src/core/event';
import { setField } from '../shared/doc-fields';
import { integerOf, type EventData } from '../shared/event-data';
import { splitCommandLine } from '../shared/windows-args';
import { executableName } from '../shared/windows-path';

/**
 * `process.*` and `process.parent.*` from a Sysmon event's data, as Winlogbeat's sysmon module maps
 * them. Where several Sysmon fields name the same ECS field the later one wins, in Winlogbeat's order:
 * the acting process of a ProcessAccess or CreateRemoteThread is `SourceProcessGuid`/`SourceImage`,
 * the pipe or the named executable of some events `Destination`.
 */
function first(ed: EventData, ...names: string[]): string | undefined {
  let v: string | undefined;
  for (const n of names) if (ed[n] !== undefined) v = ed[n];
  return v;
}

export function addSysmonProcess(doc: EventDoc, ed: EventData, code: string): void {
  setField(doc, 'process.entity_id', first(ed, 'ProcessGuid', 'SourceProcessGuid', 'SourceProcessGUID'));
  setField(doc, 'process.pid', integerOf(first(ed, 'ProcessId', 'SourceProcessId')));
  setField(doc, 'process.thread.id', integerOf(ed.SourceThreadId));
  const executable = first(ed, 'Image', 'SourceImage', 'Destination');
  setField(doc, 'process.executable', executable);
  setField(doc, 'process.command_line', ed.CommandLine);
  setField(doc, 'process.working_directory', ed.CurrentDirectory);
  setField(doc, 'process.parent.entity_id', ed.ParentProcessGuid);
  setField(doc, 'process.parent.pid', integerOf(ed.ParentProcessId));
  setField(doc, 'process.parent.executable', ed.ParentImage);
  setField(doc, 'process.parent.command_line', ed.ParentCommandLine);
  if (code !== '7') {
    // event 7 (image loaded) describes the loaded file: its PE fields go to file.pe (./file-fields.ts)
    setField(doc, 'process.pe.original_file_name', ed.OriginalFileName);
    setField(doc, 'process.pe.company', ed.Company);
    setField(doc, 'process.pe.description', ed.Description);
    setField(doc, 'process.pe.file_version', ed.FileVersion);
    setField(doc, 'process.pe.product', ed.Product);
  }
  if (ed.CommandLine !== undefined) {
    const args = splitCommandLine(ed.CommandLine);
    if (args.length > 0) { setField(doc, 'process.args', args); setField(doc, 'process.args_count', args.length); }
  }
  if (ed.ParentCommandLine !== undefined) {
    const args = splitCommandLine(ed.ParentCommandLine);
    if (args.length > 0) { setField(doc, 'process.parent.args', args); setField(doc, 'process.parent.args_count', args.length); }
  }
  if (executable !== undefined) setField(doc, 'process.name', executableName(executable));
  if (ed.ParentImage !== undefined) setField(doc, 'process.parent.name', executableName(ed.ParentImage));
}
