import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { EventDoc } from '../../src/core/event';
import { enrichedPart, evtxRecords, renderedXmlDoc, winlogbeatLineDoc, type SampleEvent } from '../helpers/enrichment-sources';

// Sysmon enrichment (collectors/windows-event/enrich/sysmon) on real events of
// ../shared/data/evtx/DeepBlueCLI/metasploit-sysmon.evtx. Each expectation is what Winlogbeat's sysmon
// module makes of the event's data (x-pack/winlogbeat/module/sysmon: the ingest pipeline's renames,
// conversions and scripts), worked out by hand from the record's EventData.

const FILE = 'DeepBlueCLI/metasploit-sysmon.evtx';
const RECORDS = { create: '30451', network: '30481', fileCreate: '30471', registry: '30483', dns: '30480' };
let events: Map<string, SampleEvent>;
before(async () => { events = await evtxRecords(FILE, Object.values(RECORDS)); });
const docOf = (id: string): EventDoc => (events.get(id) as SampleEvent).doc;
const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

describe('enrichment: Sysmon', () => {
  it('event 1 (process creation): process.*, parent, hashes, PE fields, user, categorisation', () => {
    const doc = docOf(RECORDS.create);
    expect(doc.event).to.include({ module: 'sysmon', code: '1', action: 'Process creation' });
    expect((doc.event as any).category).to.deep.equal(['process']);
    expect((doc.event as any).type).to.deep.equal(['start']);
    expect(doc.process).to.deep.equal({
      entity_id: '{0FD50764-28F3-6440-E008-000000001800}',
      pid: 9044,
      executable: 'C:\\Windows\\System32\\wevtutil.exe',
      name: 'wevtutil.exe',
      command_line: '"C:\\WINDOWS\\system32\\wevtutil.exe" cl security',
      args: ['C:\\WINDOWS\\system32\\wevtutil.exe', 'cl', 'security'],
      args_count: 3,
      working_directory: 'C:\\labs\\',
      hash: { md5: '53748b0cd4c78af5ef1d4e77f3c873af', sha256: 'e16b9d201ec1d7e29b3ad532a9ad8f1ae0cb5821bb916a79f6dbeb1c6e6b85fa' },
      pe: {
        imphash: '34bc1195516e78393351b444df843666',
        original_file_name: 'wevtutil.exe',
        company: 'Microsoft Corporation',
        description: 'Eventing Command Line Utility',
        file_version: '10.0.18362.1 (WinBuild.160101.0800)',
        product: 'Microsoft\u00ae Windows\u00ae Operating System',
      },
      parent: {
        entity_id: '{0FD50764-8CF6-6439-B900-000000001800}',
        pid: 7820,
        executable: POWERSHELL,
        name: 'powershell.exe',
        command_line: `"${POWERSHELL}" `,
        args: [POWERSHELL],
        args_count: 1,
      },
    });
    expect(doc.user).to.deep.equal({ id: 'S-1-5-18', domain: 'VALKYRIE', name: 'fgaeta' });
    expect((doc.related as any).user).to.deep.equal(['fgaeta']);
    expect((doc.related as any).hash).to.have.members([
      '53748b0cd4c78af5ef1d4e77f3c873af', 'e16b9d201ec1d7e29b3ad532a9ad8f1ae0cb5821bb916a79f6dbeb1c6e6b85fa', '34bc1195516e78393351b444df843666',
    ]);
    expect(doc).to.not.have.property('rule'); // RuleName "-" is nothing
    // the raw event data stays where it was
    expect((doc.winlog as any).event_data.Image).to.equal('C:\\Windows\\System32\\wevtutil.exe');
  });

  it('event 3 (network connection): source, destination, network.*, community id, related.ip', () => {
    const doc = docOf(RECORDS.network);
    expect(doc.event).to.include({ action: 'Network connection' });
    expect((doc.event as any).category).to.deep.equal(['network']);
    expect((doc.event as any).type).to.deep.equal(['start', 'connection', 'protocol']);
    expect(doc.source).to.deep.equal({ ip: '192.168.37.237', domain: 'VALKYRIE.galactica.cc', port: 62236 });
    expect(doc.destination).to.deep.equal({ ip: '192.168.37.203', port: 8080 }); // DestinationHostname "-"
    // Community ID v1 by hand: the lower endpoint (192.168.37.203:8080) first, then TCP (6), a zero byte, the ports
    const flow = Buffer.from([0, 0, 192, 168, 37, 203, 192, 168, 37, 237, 6, 0, 8080 >> 8, 8080 & 255, 62236 >> 8, 62236 & 255]);
    expect(doc.network).to.deep.equal({
      transport: 'tcp', direction: 'egress', type: 'ipv4',
      community_id: `1:${createHash('sha1').update(flow).digest('base64')}`,
    }); // both port names are "-": no network.protocol
    expect(doc.related).to.deep.equal({ ip: ['192.168.37.237', '192.168.37.203'], user: ['fgaeta'] });
    expect(doc.rule).to.deep.equal({ name: 'Proxy' });
    expect(doc.process).to.deep.equal({ entity_id: '{0FD50764-2949-6440-0009-000000001800}', pid: 9192, executable: 'C:\\hello.exe', name: 'hello.exe' });
  });

  it('event 11 (file created): file.* cut from TargetFilename; an executable without a path has no process.name', () => {
    const doc = docOf(RECORDS.fileCreate);
    expect(doc.event).to.include({ action: 'FileCreate' });
    expect((doc.event as any).category).to.deep.equal(['file']);
    expect((doc.event as any).type).to.deep.equal(['creation']);
    expect(doc.file).to.deep.equal({
      path: 'C:\\Users\\fgaeta\\Music\\hello.exe', name: 'hello.exe', directory: 'C:\\Users\\fgaeta\\Music', extension: 'exe',
    });
    expect(doc.process).to.deep.equal({ entity_id: '{0FD50764-8CD0-6439-EB03-000000000000}', pid: 4, executable: 'System' });
    expect(doc.user).to.deep.equal({ id: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM' });
  });

  it('event 13 (registry value set): registry.* with the DWORD in decimal', () => {
    const doc = docOf(RECORDS.registry);
    expect(doc.event).to.include({ action: 'RegistryEvent (Value Set)' });
    expect((doc.event as any).category).to.deep.equal(['configuration', 'registry']);
    expect((doc.event as any).type).to.deep.equal(['change']);
    expect(doc.registry).to.deep.equal({
      path: 'HKLM\\System\\CurrentControlSet\\Services\\uaojea\\Start',
      hive: 'HKLM',
      key: 'System\\CurrentControlSet\\Services\\uaojea\\Start',
      value: 'Start',
      data: { strings: ['3'], type: 'SZ_DWORD' }, // Details "DWORD (0x00000003)"
    });
    expect(doc.rule).to.deep.equal({ name: 'T1031,T1050' });
    expect((doc.process as any).name).to.equal('services.exe');
  });

  it('event 22 (DNS query): dns.*, network.protocol dns, the status by name, related hosts and addresses', () => {
    const doc = docOf(RECORDS.dns);
    expect(doc.event).to.include({ action: 'DNSEvent (DNS query)' });
    expect((doc.event as any).category).to.deep.equal(['network']);
    expect((doc.event as any).type).to.deep.equal(['connection', 'protocol', 'info']);
    expect(doc.dns).to.deep.equal({
      question: { name: '192.168.37.203' },
      answers: [{ type: 'A', data: '192.168.37.203' }], // QueryResults "192.168.37.203;"
      resolved_ip: ['192.168.37.203'],
    });
    expect(doc.network).to.deep.equal({ protocol: 'dns' });
    expect(doc.sysmon).to.deep.equal({ dns: { status: 'SUCCESS' } }); // QueryStatus 0
    expect(doc.related).to.deep.equal({ ip: ['192.168.37.203'], hosts: ['192.168.37.203'], user: ['fgaeta'] });
  });

  it('gives the same fields from the .evtx record, the RenderedXml record and the Winlogbeat NDJSON line', () => {
    for (const id of Object.values(RECORDS)) {
      const sample = events.get(id) as SampleEvent;
      const fromEvtx = enrichedPart(sample.doc);
      expect(Object.keys(fromEvtx)).to.include.members(['process', 'event.category', 'event.module']);
      expect(enrichedPart(renderedXmlDoc(sample)), `record ${id} as RenderedXml`).to.deep.equal(fromEvtx);
      expect(enrichedPart(winlogbeatLineDoc(sample)), `record ${id} as a Winlogbeat line`).to.deep.equal(fromEvtx);
    }
  });
});
