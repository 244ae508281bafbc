import { join } from 'node:path';
import { expect } from 'chai';
import { readEvtx } from '../../collectors/evtx';
import { windowsEventDoc } from '../../collectors/windows-event/event-mapping';
import { eventMappings } from '../../src/core/ecs-fields';
import { compileMatcher, parseKql, toEsQuery } from '../../rules/kql';
import { EVTX_DATA } from '../helpers/evtx-samples';
import { es, testEsUrl } from '../helpers/es';

/**
 * Every Sysmon and PowerShell event of the sample files, enriched, indexed with Vigil's mapping: none is
 * refused and no field is left unindexed as malformed (the types of src/core/ecs-fields.ts fit the
 * values the modules write), and KQL queries on the new fields, in the style of Elastic's prebuilt
 * rules, select the same events in Elasticsearch as Vigil's own matcher, each selecting some but not all.
 */

const FILES = [
  'DeepBlueCLI/metasploit-sysmon.evtx',
  'EVTX-ATTACK-SAMPLES/DE_sysmon-3-rdp-tun.evtx',
  'EVTX-ATTACK-SAMPLES/PanacheSysmon_vs_AtomicRedTeam01.evtx',
  'EVTX-ATTACK-SAMPLES/privesc_spoolsv_spl_file_write_sysmon11.evtx',
  'EVTX-ATTACK-SAMPLES/smbmap_upload_exec_sysmon.evtx',
  'omerbenamram-evtx/sysmon.evtx',
  'DeepBlueCLI/Powershell-Invoke-Obfuscation-many.evtx',
  'EVTX-to-MITRE-Attack/ID800-4103-4104-LSASS dump with LSASSY (PowerShell).evtx',
];

const QUERIES = [
  'event.category: process and event.type: start and process.name: "wevtutil.exe"',
  'process.parent.name: "powershell.exe" and process.args: "cl"',
  'process.name: (cmd.exe or powershell.exe) and not process.parent.name: explorer.exe',
  'process.command_line: *comsvcs* or process.args: *MiniDump*',
  'process.pe.original_file_name: "wevtutil.exe" or process.hash.sha256: *',
  'process.pid > 5000 and process.parent.pid < 1000',
  'event.category: network and destination.port: 8080 and network.direction: egress',
  'source.ip: 192.168.37.237 or destination.ip: "10.0.2.15"',
  'network.transport: tcp and network.community_id: *',
  'dns.question.name: * and sysmon.dns.status: SUCCESS',
  'dns.resolved_ip: * or related.hosts: *',
  'file.extension: (exe or dll or ps1) and event.category: file',
  'file.path: C\\:\\\\Users\\\\*',
  'registry.hive: HKLM and registry.data.type: SZ_DWORD',
  'registry.path: *\\\\Run\\\\* or registry.value: Start',
  'related.user: (fgaeta or admmig) and user.domain: *',
  'user.id: "S-1-5-18" and not user.name: SYSTEM',
  'powershell.file.script_block_text: "Get-Process" or powershell.file.script_block_text: (MiniDump and comsvcs)',
  'powershell.file.script_block_text: (Invoke-Expression or IEX or "Net.WebClient")',
  'powershell.file.script_block_id: * and powershell.total > 1',
  'event.module: powershell and event.type: start',
  'powershell.command.name: "Get-Process" or powershell.command.invocation_details.name: *Name*',
  'event.sequence >= 15 and process.title: ConsoleHost',
  'file.code_signature.signed: true and file.code_signature.valid: true',
  'rule.name: * and event.module: sysmon',
  // the measures of Elastic's obfuscation rules (thresholds set for these samples)
  'powershell.file.script_block_length > 1000 and powershell.file.script_block_entropy_bits >= 5.3 and powershell.file.script_block_surprisal_stdev > 0.7',
  'powershell.file.script_block_entropy_bits >= 4.5 and not user.id: "S-1-5-18"',
  'powershell.file.script_block_unique_symbols < 10 or powershell.file.script_block_entropy_normalized > 0.9',
];

describe('Sysmon and PowerShell enrichment in Elasticsearch', function () {
  const index = `vigil-enrich-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const docs: Array<Record<string, unknown>> = [];

  before(async function () {
    testEsUrl();
    const ctx = { hostName: 'collector-host', ingested: '2024-05-01T10:00:00.000Z' };
    for (const f of FILES) for await (const rec of readEvtx(join(EVTX_DATA, f))) docs.push(windowsEventDoc(rec.tree, ctx));
    const created = await es('PUT', `/${index}`, {
      settings: { 'index.mapping.total_fields.limit': 2000, 'index.mapping.ignore_malformed': true, number_of_replicas: 0 },
      mappings: eventMappings,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    const lines = docs.flatMap((d, i) => [JSON.stringify({ index: { _id: String(i) } }), JSON.stringify(d)]).join('\n') + '\n';
    const res = await fetch(`${testEsUrl()}/${index}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines });
    const body = await res.json() as { errors: boolean };
    expect(body.errors, JSON.stringify(body).slice(0, 2000)).to.equal(false);
  });

  after(async function () {
    await es('DELETE', `/${index}`);
  });

  it('indexes every event with no field ignored as malformed', async function () {
    expect(docs.length).to.be.greaterThan(1400);
    const r = await es('POST', `/${index}/_search`, { size: 0, aggs: { ignored: { terms: { field: '_ignored', size: 100 } } } });
    expect(r.status).to.equal(200);
    // only raw event data longer than ignore_above is left unindexed (Sysmon's call traces, script blocks as keywords)
    const ignored = (r.body.aggregations.ignored.buckets as Array<{ key: string }>).map((b) => b.key).sort();
    expect(ignored).to.deep.equal(['winlog.event_data.CallTrace', 'winlog.event_data.ScriptBlockText']);
  });

  for (const q of QUERIES) {
    it(`agrees on: ${q}`, async function () {
      const ast = parseKql(q);
      const match = compileMatcher(ast);
      const local = docs.map((d, i) => (match(d) ? String(i) : '')).filter(Boolean).sort();
      const dsl = toEsQuery(ast);
      const r = await es('POST', `/${index}/_search`, { query: dsl, size: 10000, _source: false });
      expect(r.status, JSON.stringify(r.body).slice(0, 1000)).to.equal(200);
      const remote = (r.body.hits.hits as Array<{ _id: string }>).map((h) => h._id).sort();
      const onlyLocal = local.filter((id) => !remote.includes(id));
      const onlyRemote = remote.filter((id) => !local.includes(id));
      expect({ onlyLocal: onlyLocal.slice(0, 5), onlyRemote: onlyRemote.slice(0, 5) }, JSON.stringify(dsl)).to.deep.equal({ onlyLocal: [], onlyRemote: [] });
      expect(local.length, 'query selects nothing').to.be.greaterThan(0);
      expect(local.length, 'query selects everything').to.be.lessThan(docs.length);
    });
  }
});
