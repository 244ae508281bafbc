import { expect } from 'chai';
import { eventMappings } from '../../src/core/ecs-fields';
import { compileMatcher, fieldMapOf, parseKql, toEsQuery } from '../../rules/kql';
import { es, testEsUrl } from '../helpers/es';

/**
 * The field types ECS uses beyond Vigil's first mapping (ip, keyword with a text
 * multi-field, boolean, float): the matcher and the translation, given the mapping, select the same
 * events as Elasticsearch on an index with that mapping, field patterns included.
 */

type Doc = Record<string, unknown>;

const EXTRA = {
  source: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
  destination: { properties: { ip: { type: 'ip' } } },
  // (ECS maps command lines as wildcard, with a match_only_text multi-field: types the test server lacks)
  process: { properties: { command_line: { type: 'keyword', ignore_above: 1024, fields: { text: { type: 'text' } } } } },
  dll: { properties: { code_signature: { properties: { trusted: { type: 'boolean' } } } } },
  powershell: { properties: { file: { properties: { script_block_entropy_bits: { type: 'float' } } } } },
};

/** Vigil's mapping with EXTRA merged in (objects merged property by property). */
function mergedMappings(): Record<string, unknown> {
  const props = JSON.parse(JSON.stringify(eventMappings.properties)) as Record<string, { properties?: Record<string, unknown> }>;
  for (const [k, v] of Object.entries(EXTRA)) {
    props[k] = props[k]?.properties ? { ...props[k], properties: { ...props[k].properties, ...v.properties } } : v;
  }
  return { ...eventMappings, properties: props };
}

const LONG_COMMAND = `powershell.exe -enc ${'A'.repeat(1100)}`;
const DOCS: Doc[] = [
  { source: { ip: '10.1.2.3', port: 445 }, destination: { ip: '8.8.8.8' }, process: { command_line: 'powershell.exe -enc abc' } },
  { source: { ip: '192.168.0.10' }, destination: { ip: '::ffff:10.0.0.9' }, process: { command_line: 'cmd.exe /c whoami' } },
  { 'source.ip': 'fe80::1', destination: { ip: '2001:db8::1' }, process: { command_line: LONG_COMMAND } },
  { source: { ip: ['172.16.5.4', '8.8.4.4'] }, process: { command_line: 'C:\\Windows\\System32\\POWERSHELL.EXE -nop' } },
  { source: { ip: 'not-an-ip' }, dll: { code_signature: { trusted: true } } },
  { source: { ip: '::1' }, dll: { code_signature: { trusted: 'false' } } },
  { dll: { code_signature: { trusted: false } }, powershell: { file: { script_block_entropy_bits: 4.75 } } },
  { dll: { code_signature: { trusted: '' } }, powershell: { file: { script_block_entropy_bits: 5.5 } } },
  { dll: { code_signature: { trusted: 'yes' } }, powershell: { file: { script_block_entropy_bits: 3.25 } } },
  { message: 'nothing of the above' },
];

const QUERIES = [
  'source.ip: 10.0.0.0/8', 'source.ip: "10.1.2.3"', 'source.ip: 10.1.2.3', 'destination.ip: 10.0.0.9', 'destination.ip: "::ffff:10.0.0.9"',
  'not source.ip: (10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16 or "::1" or "fe80::/10")', 'source.ip: "fe80::/10"',
  'source.ip >= 10.0.0.5', 'source.ip < "::2"', 'source.ip: 10.*', 'source.ip: *', 'source.ip: nonsense', '*.ip: 10.0.0.0/8', 'destination.*: "2001:db8::/32"',
  'process.command_line: *powershell*', 'process.command_line: *POWERSHELL*', 'process.command_line: "cmd.exe /c whoami"',
  `process.command_line: *${'A'.repeat(10)}`, 'process.command_line.text: powershell.exe', 'process.command_line.text: "-enc abc"',
  'process.command_line.text: whoami or process.command_line: *nop', 'process.*: *whoami*', 'process.*: whoami', 'process.command_line.text: *',
  'dll.code_signature.trusted: false', 'dll.code_signature.trusted: true', 'dll.code_signature.trusted: *', 'dll.code_signature.trusted: yes',
  'dll.*: true', 'powershell.file.script_block_entropy_bits >= 4.5', 'powershell.file.script_block_entropy_bits: 4.75',
  'powershell.file.script_block_entropy_bits < 5', 'source.port: 445 and source.ip: 10.0.0.0/8',
];

describe('KQL agreement with Elasticsearch: ip, multi-field, boolean and float fields', function () {
  const index = `vigil-kql-types-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const mappings = mergedMappings();
  const fields = fieldMapOf(mappings as unknown as Parameters<typeof fieldMapOf>[0]);

  before(async function () {
    testEsUrl();
    const created = await es('PUT', `/${index}`, { settings: { 'index.mapping.ignore_malformed': true, number_of_replicas: 0 }, mappings });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    const lines = DOCS.flatMap((d, i) => [JSON.stringify({ index: { _id: String(i) } }), JSON.stringify(d)]).join('\n') + '\n';
    const res = await fetch(`${testEsUrl()}/${index}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines });
    const body = await res.json() as { errors: boolean };
    expect(body.errors, JSON.stringify(body).slice(0, 2000)).to.equal(false);
  });

  after(async function () {
    await es('DELETE', `/${index}`);
  });

  for (const q of QUERIES) {
    it(`agrees on: ${q.slice(0, 100)}`, async function () {
      const ast = parseKql(q);
      const match = compileMatcher(ast, fields);
      const local = DOCS.map((d, i) => (match(d) ? String(i) : '')).filter(Boolean).sort();
      const dsl = toEsQuery(ast, fields);
      const r = await es('POST', `/${index}/_search`, { query: dsl, size: 100, _source: false });
      expect(r.status, JSON.stringify(r.body).slice(0, 1000)).to.equal(200);
      const remote = (r.body.hits.hits as Array<{ _id: string }>).map((h) => h._id).sort();
      expect(local, `${JSON.stringify(dsl)}`).to.deep.equal(remote);
    });
  }

  it('has queries that select some events and not all', function () {
    const counts = QUERIES.map((q) => DOCS.filter(compileMatcher(parseKql(q), fields)).length);
    expect(counts.filter((n) => n > 0 && n < DOCS.length).length).to.be.at.least(QUERIES.length - 6);
  });
});
