import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ELASTIC_RULE_FIXTURES } from '../helpers/elastic-rule-fixtures';
import { tempDir } from '../helpers/temp-dir';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'src', 'cli', 'main.js');
const vigil = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });

describe('vigil rules import-elastic (command line)', () => {
  it('writes the convertible rules as YAML that vigil check accepts, and reports the others on stderr', () => {
    const tmp = tempDir('import-elastic');
    try {
      mkdirSync(join(tmp.path, 'rules', 'windows'), { recursive: true });
      for (const [name, text] of Object.entries(ELASTIC_RULE_FIXTURES)) {
        if (name !== 'broken.toml') writeFileSync(join(tmp.path, 'rules', 'windows', name), text);
      }
      const r = vigil(tmp.path, 'rules', 'import-elastic', 'rules');
      expect(r.status, r.stderr).to.equal(0);
      const ids = (parseYaml(r.stdout) as { rules: Array<{ id: string }> }).rules.map((x) => x.id);
      expect(ids).to.deep.equal(['multiple-logon-failures-from-the-same-source-address', 'windows-event-logs-cleared', 'entra-id-external-guest-user-invited']);
      const err = r.stderr.trim().split('\n');
      expect(err.filter((l) => l.startsWith('not converted: '))).to.have.length(6);
      expect(err).to.include(`not converted: ${join('rules', 'windows', 'sequence_eql.toml')} (Some EQL Sequence): an EQL rule (event sequences and EQL functions); Vigil reads KQL only`);
      expect(err[err.length - 1]).to.equal('converted 3 of 9 rule(s)');

      writeFileSync(join(tmp.path, 'elastic.yaml'), r.stdout);
      const check = vigil(tmp.path, 'check', 'elastic.yaml');
      expect(check.status, check.stdout).to.equal(0);
      expect(check.stdout).to.match(/elastic\.yaml: OK \(3 rules/);
    } finally {
      tmp.cleanup();
    }
  });

  it('writes to --out, and exits 1 naming a file that is not a rule', () => {
    const tmp = tempDir('import-elastic');
    try {
      writeFileSync(join(tmp.path, 'a.toml'), ELASTIC_RULE_FIXTURES['defense_evasion_clearing_windows_event_logs.toml']);
      writeFileSync(join(tmp.path, 'broken.toml'), ELASTIC_RULE_FIXTURES['broken.toml']);
      const r = vigil(tmp.path, 'rules', 'import-elastic', 'a.toml', 'broken.toml', 'missing.toml', '--out', 'out.yaml');
      expect(r.status).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(/^error: missing\.toml: no such file$/m);
      expect(r.stderr).to.match(/^error: broken\.toml: TOML syntax error at line 4, column \d+: /m);
      expect(r.stderr).to.match(/converted 1 of 1 rule\(s\); 2 file\(s\) could not be read as rules$/m);
      expect(readFileSync(join(tmp.path, 'out.yaml'), 'utf8')).to.include('id: windows-event-logs-cleared');
      expect(vigil(tmp.path, 'check', 'out.yaml').status).to.equal(0);
    } finally {
      tmp.cleanup();
    }
  });
});
