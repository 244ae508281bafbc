import { expect } from 'chai';
import type { EventDoc } from '../../src/core/event';
import { enrichedPart, evtxRecords, renderedXmlDoc, winlogbeatLineDoc, type SampleEvent } from '../helpers/enrichment-sources';

// PowerShell enrichment (collectors/windows-event/enrich/powershell) on real events of ../shared/data/evtx:
// Operational 4104 script blocks (one split in two parts, with a script path), 4103 pipeline execution,
// and the classic channel's 400 (engine start) and 800 (pipeline details). Each expectation is what
// Winlogbeat's powershell module makes of the event's data (x-pack/winlogbeat/module/powershell: the
// ingest pipelines powershell.yml and powershell_operational.yml), worked out by hand.

const OBFUSCATION = 'DeepBlueCLI/Powershell-Invoke-Obfuscation-many.evtx';
const LSASSY = 'EVTX-to-MITRE-Attack/ID800-4103-4104-LSASS dump with LSASSY (PowerShell).evtx';
const HOST_APP = 'powershell.exe -NoP -C C:\\Windows\\System32\\rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump (Get-Process lsass).Id \\Windows\\Temp\\vtnr8kff.dmp full;Wait-Process -Id (Get-Process rundll32).id';
const HOST_ARGS = ['powershell.exe', '-NoP', '-C', 'C:\\Windows\\System32\\rundll32.exe', 'C:\\Windows\\System32\\comsvcs.dll,', 'MiniDump',
  '(Get-Process', 'lsass).Id', '\\Windows\\Temp\\vtnr8kff.dmp', 'full;Wait-Process', '-Id', '(Get-Process', 'rundll32).id'];
const HOST_PROCESS = { entity_id: '63c2be9c-cd2c-46d7-ac07-01a9e98f2400', command_line: HOST_APP, title: 'ConsoleHost', args: HOST_ARGS, args_count: 13 };
const DETAILS = [
  { type: 'CommandInvocation', related_command: 'Get-Process', value: '"Get-Process"' },
  { type: 'ParameterBinding', related_command: 'Get-Process', name: '"Name"', value: '"lsass"' },
];

let obfuscation: Map<string, SampleEvent>;
let lssasy: Map<string, SampleEvent>;
before(async () => {
  obfuscation = await evtxRecords(OBFUSCATION, ['572515']);
  lssasy = await evtxRecords(LSASSY, ['1286', '1330', '132', '133']);
});
const doc = (m: Map<string, SampleEvent>, id: string): EventDoc => (m.get(id) as SampleEvent).doc;

describe('enrichment: PowerShell', () => {
  it('4104, the second of two parts of a script block from a file: powershell.file.*, sequence/total, file.*, user.id', () => {
    const d = doc(obfuscation, '572515');
    const text = ((d.winlog as any).event_data.ScriptBlockText as string);
    expect(text.startsWith('the length\r\n')).to.equal(true);
    expect(d.event).to.include({ module: 'powershell', category: 'process', type: 'info' });
    const { script_block_entropy_bits: bits, script_block_entropy_normalized: norm, script_block_surprisal_stdev: sd, ...file } = (d.powershell as any).file;
    expect({ ...(d.powershell as any), file }).to.deep.equal({
      file: {
        script_block_id: 'c4c51741-5c5a-4df0-acc0-d639a3f79256', script_block_text: text,
        script_block_length: text.trim().length, script_block_unique_symbols: new Set(text.trim()).size,
      },
      sequence: 2,
      total: 2,
    });
    // ordinary code: between 4 and 5 bits a character (the measures themselves: enrich-parts.test.ts)
    expect(bits).to.be.within(4, 5);
    expect(norm).to.be.within(0, 1);
    expect(sd).to.be.greaterThan(0);
    expect(d.file).to.deep.equal({
      path: 'C:\\Users\\student\\Desktop\\DeepBlueCLI-master\\DeepBlue-0.2.ps1',
      name: 'DeepBlue-0.2.ps1',
      directory: 'C:\\Users\\student\\Desktop\\DeepBlueCLI-master',
      extension: 'ps1',
    });
    expect(d.user).to.deep.equal({ id: 'S-1-5-21-1552841522-3835366585-4197357653-1001' });
    expect(d).to.not.have.property('process');
  });

  it('4104 without a path: no file.*', () => {
    const d = doc(lssasy, '1286');
    expect((d.powershell as any).file.script_block_id).to.equal('f61a7fd0-2926-4ac5-bcd6-c6c3e886f23c');
    expect((d.powershell as any).file.script_block_text).to.match(/^"PS \$\(\$executionContext/);
    expect(d).to.not.have.property('file');
  });

  it('4103: ContextInfo unpacked into process.*, user.*, powershell.command.*, the invocation details from Payload', () => {
    const d = doc(lssasy, '1330');
    expect(d.event).to.include({ category: 'process', type: 'info', sequence: 16 });
    expect(d.process).to.deep.equal(HOST_PROCESS);
    expect(d.user).to.deep.equal({ id: 'S-1-5-21-4230534742-2542757381-3142984815-1111', domain: 'OFFSEC', name: 'admmig' });
    expect(d.related).to.deep.equal({ user: ['admmig'] });
    expect(d.powershell).to.deep.equal({
      id: 'Microsoft.PowerShell',
      engine: { version: '4.0' },
      pipeline_id: '1',
      runspace_id: '1668d864-c13c-442c-bf70-3fe6a4dee2ca',
      process: { executable_version: '4.0' },
      command: { name: 'Get-Process', type: 'Cmdlet', invocation_details: DETAILS },
    });
  });

  it('classic 400 (engine state): start, engine states, the host process from param3', () => {
    const d = doc(lssasy, '132');
    expect(d.event).to.include({ module: 'powershell', category: 'process', type: 'start', sequence: 13 });
    expect(d.process).to.deep.equal(HOST_PROCESS);
    expect(d.powershell).to.deep.equal({
      engine: { version: '4.0', new_state: 'Available', previous_state: 'None' },
      runspace_id: '1668d864-c13c-442c-bf70-3fe6a4dee2ca',
      process: { executable_version: '4.0' },
    });
    expect(d).to.not.have.property('user'); // the classic channel has no SID, and 400 no UserId
  });

  it('classic 800 (pipeline details): user from UserId, command value, detail sequence, invocation details from param3', () => {
    const d = doc(lssasy, '133');
    expect(d.event).to.include({ type: 'info', sequence: 15 });
    expect(d.user).to.deep.equal({ domain: 'OFFSEC', name: 'admmig' });
    expect(d.powershell).to.deep.equal({
      engine: { version: '4.0' },
      pipeline_id: '1',
      runspace_id: '1668d864-c13c-442c-bf70-3fe6a4dee2ca',
      process: { executable_version: '4.0' },
      command: {
        value: 'C:\\Windows\\System32\\rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump (Get-Process lsass).Id \\Windows\\Temp\\vtnr8kff.dmp full;Wait-Process -Id (Get-Process rundll32).id',
        invocation_details: DETAILS,
      },
      sequence: 1,
      total: 1,
    });
  });

  it('gives the same fields from the .evtx record, the RenderedXml record and the Winlogbeat NDJSON line', () => {
    const samples = [...obfuscation.values(), ...lssasy.values()];
    for (const sample of samples) {
      const id = (sample.doc.winlog as any).record_id;
      const fromEvtx = enrichedPart(sample.doc);
      expect(Object.keys(fromEvtx)).to.include.members(['powershell', 'event.category', 'event.module']);
      expect(enrichedPart(renderedXmlDoc(sample)), `record ${id} as RenderedXml`).to.deep.equal(fromEvtx);
      expect(enrichedPart(winlogbeatLineDoc(sample)), `record ${id} as a Winlogbeat line`).to.deep.equal(fromEvtx);
    }
  });
});
