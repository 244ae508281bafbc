import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/runtime/check';
import { checkConfigFileDetailed } from '../../src/runtime/config/load';

const RULES = `notifiers:
  hook: { type: webhook, url: "http://127.0.0.1:9/x", timeout: 10s }
rules:
  - id: errors
    type: threshold
    where: 'log.level: error'
    threshold: 5
    window: 1m
    notify: [hook]
`;

const ES_INPUT = (id: string) => `  - type: elasticsearch
    id: ${id}
    url: http://127.0.0.1:9200
    index: "logs-*"
`;

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fleet-check-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function check(vigil: string, rules = RULES): string[] {
  const cwd = project({ 'rules.yaml': rules, 'vigil.yaml': vigil });
  return runCheck({ cwd, config: 'vigil.yaml', env: {} }).output.split('\n').filter((l) => !l.startsWith('rules.yaml'));
}

describe('vigil.yaml: the fleet section', () => {
  it('turns a config with an elasticsearch input into a fleet runner: the input named or the only one, the lease options with their defaults', () => {
    const cwd = project({ 'rules.yaml': RULES, 'vigil.yaml': `inputs:\n${ES_INPUT('es')}fleet:\n  leases: { lease_ms: 20000, fleet: web }\n` });
    const r = checkConfigFileDetailed('vigil.yaml', { cwd, env: {} });
    expect(r.problems).to.deep.equal([]);
    expect(r.config!.fleet).to.deep.include({ input: 'es' });
    expect(r.config!.fleet!.leases).to.deep.equal({ index: 'vigil-fleet-leases', fleet: 'web', lease_ms: 20000, renew_fraction: 1 / 3, drift_margin: 0.1 });
    expect(check(`inputs:\n${ES_INPUT('es')}fleet:\n  leases: { lease_ms: 20000 }\n`)).to.deep.equal(['vigil.yaml: OK']);
  });

  it('a fleet without an elasticsearch input, with several and none named, or naming a file input: an error at its place', () => {
    expect(check('fleet: {}\n')).to.deep.equal(['vigil.yaml:1:1: fleet: a fleet runner needs an input of type elasticsearch (the events it evaluates, and the cluster holding its leases and alerts); there is none in inputs']);
    expect(check(`inputs:\n${ES_INPUT('a')}${ES_INPUT('b')}fleet: {}\n`)).to.deep.equal(['vigil.yaml:10:1: fleet: several elasticsearch inputs (a, b): name the one whose cluster the fleet uses with fleet.input']);
    expect(check(`inputs:\n  - { type: file, id: logs, paths: ["/var/log/*.json"] }\n${ES_INPUT('es')}fleet:\n  input: logs\n`))
      .to.deep.equal(['vigil.yaml:8:10: fleet.input: input "logs" is of type file; a fleet runner reads Elasticsearch with an input of type elasticsearch']);
    expect(check(`inputs:\n${ES_INPUT('es')}fleet:\n  input: nope\n`)).to.deep.equal(['vigil.yaml:7:10: fleet.input: no input has the id "nope" (elasticsearch inputs: es)']);
  });

  it('a lease not longer than a notifier\'s timeout, and bad lease options: errors naming the option', () => {
    expect(check(`inputs:\n${ES_INPUT('es')}fleet:\n  leases:\n    lease_ms: 4000\n`))
      .to.deep.equal(['vigil.yaml:8:15: fleet.leases.lease_ms (4000 ms) must be longer than the timeout of notifier "hook" (10000 ms): a delivery\'s claim holds for the lease']);
    const bad = check(`inputs:\n${ES_INPUT('es')}fleet:\n  leases:\n    lease_ms: 100\n    index: Bad\n`);
    expect(bad.join('\n')).to.match(/^vigil\.yaml:8:15: .*lease_ms/m);
    expect(bad.join('\n')).to.match(/^vigil\.yaml:9:12: .*index/m);
    expect(check(`inputs:\n${ES_INPUT('es')}fleet:\n  lease_ms: 4000\n`).join('\n')).to.match(/^vigil\.yaml:7:3: .*lease_ms/m);
  });
});
