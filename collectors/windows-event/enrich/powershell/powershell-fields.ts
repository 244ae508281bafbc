import type { EventDoc } from '../../../../src/core/event';
import { setField } from '../shared/doc-fields';
import { integerOf, type EventData } from '../shared/event-data';
import { windowsPathParts } from '../shared/windows-path';
import { parseInvocationDetails } from './invocation-details';
import { scriptBlockStats } from './script-block-stats';

/**
 * `powershell.*` (and `file.*` for the script, `event.sequence`) of a PowerShell event, as Winlogbeat's
 * powershell module names them: engine and provider states, engine and host versions, pipeline and
 * runspace ids, the command (name, type, path, value), the script block (id, text) and which part of a
 * split one this is (`sequence` of `total`), and the invocation details of events 800 and 4103; the
 * script block's entropy measures as Elastic's Windows integration adds them (./script-block-stats.ts).
 */
export function addPowershellFields(doc: EventDoc, f: EventData, code: string): void {
  setField(doc, 'event.sequence', integerOf(f.SequenceNumber));
  setField(doc, 'powershell.id', f.ShellID);
  setField(doc, 'powershell.engine.version', f.EngineVersion);
  setField(doc, 'powershell.engine.new_state', f.NewEngineState);
  setField(doc, 'powershell.engine.previous_state', f.PreviousEngineState);
  setField(doc, 'powershell.provider.new_state', f.NewProviderState);
  setField(doc, 'powershell.provider.name', f.ProviderName);
  setField(doc, 'powershell.pipeline_id', f.PipelineId ?? f.PipelineID);
  setField(doc, 'powershell.runspace_id', f.RunspaceId ?? f.RunspaceID);
  setField(doc, 'powershell.process.executable_version', f.HostVersion);
  setField(doc, 'powershell.command.value', f.CommandLine);
  setField(doc, 'powershell.command.path', f.CommandPath);
  setField(doc, 'powershell.command.name', f.CommandName);
  setField(doc, 'powershell.command.type', f.CommandType);
  setField(doc, 'powershell.file.script_block_id', f.ScriptBlockId);
  setField(doc, 'powershell.file.script_block_text', f.ScriptBlockText);
  const stats = f.ScriptBlockText !== undefined ? scriptBlockStats(f.ScriptBlockText) : undefined;
  if (stats) {
    setField(doc, 'powershell.file.script_block_entropy_bits', stats.entropy_bits);
    setField(doc, 'powershell.file.script_block_entropy_normalized', stats.entropy_normalized);
    setField(doc, 'powershell.file.script_block_surprisal_stdev', stats.surprisal_stdev);
    setField(doc, 'powershell.file.script_block_length', stats.length);
    setField(doc, 'powershell.file.script_block_unique_symbols', stats.unique_symbols);
  }
  setField(doc, 'powershell.sequence', integerOf(f.MessageNumber ?? f.DetailSequence));
  setField(doc, 'powershell.total', integerOf(f.MessageTotal ?? f.DetailTotal));
  const details = code === '800' ? f.param3 : code === '4103' ? f.Payload : undefined;
  if (details !== undefined) {
    const parsed = parseInvocationDetails(details);
    if (parsed.length > 0) setField(doc, 'powershell.command.invocation_details', parsed);
  }
  const script = f.ScriptName ?? f.Path;
  if (script !== undefined) {
    setField(doc, 'file.path', script);
    const parts = windowsPathParts(script);
    if (parts) {
      setField(doc, 'file.name', parts.name);
      setField(doc, 'file.directory', parts.directory);
      setField(doc, 'file.extension', parts.extension);
    }
  }
}
