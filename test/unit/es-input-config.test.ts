import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConfigFile, loadConfig } from '../../src/runtime/config/load';
import type { EsInputConfig } from '../../collectors/elasticsearch/config';
import { fleetSelection } from '../../rules/fleet-selection';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';

function withConfig<T>(text: string, fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-esin-config-'));
  try {
    fs.writeFileSync(path.join(dir, 'vigil.yaml'), text);
    return fn(dir);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

const problems = (text: string): string[] => withConfig(text, (dir) => checkConfigFile('vigil.yaml', { cwd: dir, env: {} }).map((p) => `${p.line}:${p.col}: ${p.message}`));

describe('elasticsearch input: options', () => {
  it('resolves the defaults, and moves user-info out of the URL', () => {
    const cfg = withConfig('inputs:\n  - type: elasticsearch\n    url: http://elastic:pw@es:9200/\n    index: "logs-*"\n', (dir) => loadConfig(path.join(dir, 'vigil.yaml'), { env: {} }));
    expect(cfg.inputs[0]).to.deep.equal({
      type: 'elasticsearch', id: 'elasticsearch-1', url: 'http://es:9200', username: 'elastic', password: 'pw', request_timeout_ms: 30_000,
      index: 'logs-*', poll_interval_ms: 1000, batch_size: 1000, start_at: 'end', refresh: true,
    } satisfies EsInputConfig);
  });

  it('names the field of each bad option', () => {
    expect(problems('inputs:\n  - type: elasticsearch\n    url: es:9200\n    index: "logs-*"\n')).to.deep.equal(['3:10: inputs[0].url is not an http(s) URL']);
    expect(problems('inputs:\n  - type: elasticsearch\n    url: http://es:9200\n    index: "logs *"\n')).to.deep.equal([
      '4:12: inputs[0].index "logs *" is not an index name or pattern (comma-separated; no spaces or " \\ / < > | # ?)',
    ]);
    expect(problems('inputs:\n  - type: elasticsearch\n    url: http://es:9200\n    index: a\n    api_key: k\n    username: u\n    password: p\n')).to.deep.equal([
      '5:5: inputs[0]: use either api_key or a user name and password, not both',
    ]);
    expect(problems('inputs:\n  - type: elasticsearch\n    url: http://es:9200\n    index: a\n    filter: "host.name: ("\n')[0]).to.match(/^5:13: inputs\[0\]\.filter is not valid KQL: /);
    expect(problems('inputs:\n  - type: elasticsearch\n    index: a\n')[0]).to.match(/missing required key "url"/);
  });
});

describe('fleet selection: what the Elasticsearch input fetches for the loaded rules', () => {
  const rulesOf = (yaml: string) => {
    const { rules, problems: p } = parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
    if (!rules) throw new Error(JSON.stringify(p));
    return rules.rules;
  };

  it('is the union of the rules\' queries and the fields they read', () => {
    const rules = rulesOf(`rules:
  - id: spray
    type: cardinality
    where: 'event.code: 4625'
    group_by: [source.ip]
    field: user.name
    max: 20
    window: 5m
    include: [host.name]
  - id: errors
    type: ratio
    of: 'service.name: web'
    where: 'log.level: error'
    threshold: 0.5
    window: 5m
    include: [message]
`);
    const s = fleetSelection(rules);
    expect(s.none).to.equal(false);
    expect(s.query).to.deep.equal({ bool: { should: [{ term: { 'event.code': { value: '4625' } } }, { term: { 'service.name': { value: 'web' } } }], minimum_should_match: 1 } });
    expect(s.fields).to.deep.equal(['@timestamp', 'event.code', 'event.ingested', 'host.name', 'log.level', 'message', 'service.name', 'source.ip', 'user.name']);
    // computed once per rule list
    expect(fleetSelection(rules)).to.equal(s);
  });

  it('a rule without a query fetches every event; a `*` field pattern whole documents; no rule nothing', () => {
    const all = fleetSelection(rulesOf(`rules:\n  - id: any\n    type: threshold\n    threshold: 5\n    window: 1m\n  - id: star\n    type: threshold\n    where: '*: evil'\n    threshold: 1\n    window: 1m\n`));
    expect(all.query).to.equal(null);
    expect(all.fields).to.equal(null);
    expect(fleetSelection([])).to.deep.equal({ query: null, fields: null, none: true });
  });

  it('ANDs an input\'s filter with the rules\' union', () => {
    const rules = rulesOf(`rules:\n  - id: a\n    type: threshold\n    where: 'event.code: 1'\n    threshold: 5\n    window: 1m\n`);
    expect(fleetSelection(rules, 'host.name: web1').query).to.deep.equal({ bool: { filter: [{ term: { 'host.name': { value: 'web1' } } }, { term: { 'event.code': { value: '1' } } }] } });
    expect(() => fleetSelection(rules, 'host.name: (')).to.throw();
  });
});
