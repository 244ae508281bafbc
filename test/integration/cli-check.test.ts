import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'src', 'cli', 'main.js');

describe('vigil check (command line)', () => {
  it('prints file:line:col: message for a broken rules.yaml and a broken vigil.yaml, and exits 1', () => {
    const tmp = tempDir('check');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), [
        'rules:',
        '  - id: burst',
        '    type: threshold',
        '    where: "event.code: 4625"',
        '    threshold: 20',
        '    window: 5 minutes',
        '    notify: [nobody]',
        '  - id: burst',
        '    type: pattern',
        '    where: x',
        '    regex: { field: message, pattern: "(a+)\\\\1" }',
        '',
      ].join('\n'));
      writeFileSync(join(tmp.path, 'vigil.yaml'), 'inputs:\n  - type: file\n    paths: [a.log]\n    scan_intervall: 1s\nlogging: { level: loud }\n');
      const r = spawnSync(process.execPath, [CLI, 'check', 'rules.yaml', '--config', 'vigil.yaml'], { cwd: tmp.path, encoding: 'utf8' });
      expect(r.status).to.equal(1);
      const lines = r.stdout.trim().split('\n');
      for (const l of lines) expect(l).to.match(/^(rules|vigil)\.yaml:\d+:\d+: \S/);
      expect(lines.some((l) => l.startsWith('rules.yaml:6:'))).to.equal(true);          // bad duration
      expect(lines.some((l) => l.startsWith('rules.yaml:7:') && /nobody/.test(l))).to.equal(true); // unknown notifier
      expect(lines.some((l) => l.startsWith('rules.yaml:8:') && /duplicate/i.test(l))).to.equal(true);
      // the column of "\1" in the pattern: RE2 has no backreferences
      expect(lines).to.include('rules.yaml:11:44: the backreference "\\1" is not supported: rule regexes run on RE2 (linear time whatever the input), which has no backreferences');
      expect(lines.some((l) => l.startsWith('vigil.yaml:4:5:') && /scan_intervall/.test(l))).to.equal(true);
      expect(lines.some((l) => l.startsWith('vigil.yaml:5:') && /level/.test(l))).to.equal(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('exits 0 and says OK for the rules.yaml and vigil.example.yaml in the repo', () => {
    const root = join(__dirname, '..', '..', '..');
    const r = spawnSync(process.execPath, [CLI, 'check', '--config', 'vigil.example.yaml'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).to.match(/rules\.yaml: OK/);
    expect(r.status, r.stdout).to.equal(0);
  });

  it('accepts the Windows sample (four channels) once its secrets are in the environment, and names them when not', () => {
    const root = join(__dirname, '..', '..', '..');
    const env = { ...process.env, ES_API_KEY: 'key-from-env', SMTP_PASSWORD: 'pw-from-env' };
    const ok = spawnSync(process.execPath, [CLI, 'check', '--config', 'vigil.windows.example.yaml'], { cwd: root, encoding: 'utf8', env });
    expect(ok.stdout).to.contain('vigil.windows.example.yaml: OK');
    expect(ok.status, ok.stdout).to.equal(0);
    const bare = { ...process.env };
    delete bare.ES_API_KEY;
    delete bare.SMTP_PASSWORD;
    const missing = spawnSync(process.execPath, [CLI, 'check', '--config', 'vigil.windows.example.yaml'], { cwd: root, encoding: 'utf8', env: bare });
    expect(missing.status).to.equal(1);
    expect(missing.stdout).to.match(/vigil\.windows\.example\.yaml:\d+:\d+: environment variable ES_API_KEY is not set/);
  });

  it('reports a YAML syntax error with its position', () => {
    const tmp = tempDir('check');
    try {
      writeFileSync(join(tmp.path, 'rules.yaml'), 'rules:\n  - id: a\n    type: pattern\n    where: "unclosed\n');
      const r = spawnSync(process.execPath, [CLI, 'check'], { cwd: tmp.path, encoding: 'utf8' });
      expect(r.status).to.equal(1);
      expect(r.stdout).to.match(/^rules\.yaml:\d+:\d+: /m);
    } finally {
      tmp.cleanup();
    }
  });
});
