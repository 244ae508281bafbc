import { expect } from 'chai';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderUnit, quoteExecArg } from '../../src/cli/service/systemd-unit';
import { heapFlagFromShebang, shebangNodeFlags } from '../../src/cli/node-flags';
import { findOnPath } from '../../src/cli/service/common';
import { tempDir } from '../helpers/temp-dir';
import { worldReadableCli } from '../helpers/world-readable-build';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const STAND_IN = join(ROOT, 'test', 'fixtures', 'systemd', 'systemctl.js');

/** A temp folder with a stand-in systemctl in bin/, a unit folder and a valid config (in a folder with a space). */
function setUp(t: { path: string }): { bin: string; units: string; config: string; env: NodeJS.ProcessEnv } {
  const bin = join(t.path, 'bin');
  const units = join(t.path, 'units');
  const confDir = join(t.path, 'my conf');
  for (const d of [bin, units, confDir]) mkdirSync(d);
  copyFileSync(STAND_IN, join(bin, 'systemctl'));
  chmodSync(join(bin, 'systemctl'), 0o755);
  const config = join(confDir, 'vigil.yaml');
  writeFileSync(config, 'inputs: []\n');
  // node for the stand-in's shebang comes from the rest of PATH
  return { bin, units, config, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, VIGIL_SYSTEMD_DIR: units } };
}

function vigil(args: string[], env: NodeJS.ProcessEnv, extra: SpawnSyncOptions = {}, cli = CLI): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'service', ...args], { encoding: 'utf8', env, ...extra });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function calls(bin: string): string[][] {
  const f = join(bin, 'calls.log');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
}

const asRoot = process.getuid?.() === 0;

describe('vigil service: the systemd unit', () => {
  const base = {
    name: 'vigil',
    nodePath: '/usr/bin/node',
    nodeFlags: ['--max-old-space-size=160'],
    cliPath: '/opt/vigil/dist/src/cli/main.js',
    configPath: '/etc/vigil/vigil.yaml',
    workingDirectory: '/etc/vigil',
  };

  it('runs node with the heap flag, the CLI and the absolute config, restarting on failure', () => {
    const unit = renderUnit(base);
    expect(unit).to.contain('\nExecStart=/usr/bin/node --max-old-space-size=160 /opt/vigil/dist/src/cli/main.js run --config /etc/vigil/vigil.yaml\n');
    for (const l of ['WorkingDirectory=/etc/vigil', 'Restart=on-failure', 'KillSignal=SIGTERM', 'TimeoutStopSec=20', 'After=network-online.target', 'WantedBy=multi-user.target']) {
      expect(unit.split('\n')).to.include(l);
    }
    expect(unit).not.to.match(/^User=/m);
  });

  it('quotes paths with spaces (and escapes %, $, quotes and backslashes) and sets User=', () => {
    const unit = renderUnit({
      ...base,
      user: 'vigil-svc',
      cliPath: '/opt/my vigil/dist/src/cli/main.js',
      configPath: '/srv/conf 100%/$HOME "x"\\y.yaml',
      workingDirectory: '/srv/conf 100%',
    });
    expect(unit).to.contain('\nExecStart=/usr/bin/node --max-old-space-size=160 "/opt/my vigil/dist/src/cli/main.js" run --config "/srv/conf 100%%/$$HOME \\"x\\"\\\\y.yaml"\n');
    expect(unit.split('\n')).to.include('WorkingDirectory=/srv/conf 100%%');
    expect(unit.split('\n')).to.include('User=vigil-svc');
  });

  it('refuses names, users and paths systemd would misread', () => {
    expect(() => renderUnit({ ...base, name: 'a b' })).to.throw(/invalid service name/);
    expect(() => renderUnit({ ...base, user: 'root\nExecStartPre=/bin/sh' })).to.throw(/invalid user/);
    expect(() => quoteExecArg('/a\nb')).to.throw(/line break/);
  });

  it('takes the heap flag from the shebang of the built CLI', () => {
    expect(heapFlagFromShebang(CLI)).to.match(/^--max-old-space-size=\d+$/);
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).to.contain(heapFlagFromShebang(CLI));
  });

  it('passes systemd-analyze verify (when systemd-analyze is installed)', function () {
    const analyze = findOnPath('systemd-analyze', process.env);
    if (!analyze) {
      console.log('      (skipped: systemd-analyze is not installed; apt-get install systemd)');
      this.skip();
    }
    const t = tempDir('service-verify');
    try {
      const dir = join(t.path, 'conf dir 50%');
      mkdirSync(dir);
      const config = join(dir, 'vigil.yaml');
      writeFileSync(config, 'inputs: []\n');
      const file = join(t.path, 'vigil-verify.service');
      writeFileSync(file, renderUnit({ ...base, name: 'vigil-verify', nodePath: process.execPath, cliPath: CLI, configPath: config, workingDirectory: dir, user: 'root' }));
      const r = spawnSync(analyze!, ['verify', file], { encoding: 'utf8' });
      // verify also complains about unrelated units on the machine; only lines about ours count
      const ours = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('vigil-verify'));
      expect(ours, ours.join('\n')).to.deep.equal([]);
    } finally {
      t.cleanup();
    }
  });
});

describe('vigil service (command line, Linux, stand-in systemctl)', () => {
  it('--dry-run prints the unit and the systemctl calls, and changes nothing', () => {
    const t = tempDir('service');
    try {
      const s = setUp(t);
      const r = vigil(['install', '--config', s.config, '--name', 'vigil-test', '--user', 'nobody', '--dry-run'], s.env);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(`would write ${join(s.units, 'vigil-test.service')}:`);
      expect(r.stdout).to.contain(`ExecStart=${process.execPath} ${shebangNodeFlags(CLI).join(' ')} ${CLI} run --config "${s.config}"`);
      expect(shebangNodeFlags(CLI)).to.include('--max-old-space-size=160');
      expect(r.stdout).to.contain('User=nobody');
      expect(r.stdout).to.contain('would run: systemctl daemon-reload\nwould run: systemctl enable vigil-test\n');
      expect(existsSync(join(s.units, 'vigil-test.service'))).to.equal(false);
      expect(calls(s.bin)).to.deep.equal([]);
      const u = vigil(['uninstall', '--name', 'vigil-test', '--dry-run'], s.env);
      expect(u.stdout).to.contain('would run: systemctl disable vigil-test\nwould run: systemctl stop vigil-test\n');
      expect(calls(s.bin)).to.deep.equal([]);
    } finally {
      t.cleanup();
    }
  });

  (asRoot ? it : it.skip)('install writes the unit and enables it; start/stop/status pass systemctl through; uninstall removes it', () => {
    const t = tempDir('service');
    try {
      const s = setUp(t);
      const unit = join(s.units, 'vigil-test.service');
      const i = vigil(['install', '--config', s.config, '--name', 'vigil-test'], s.env);
      expect(i.status, i.stderr).to.equal(0);
      expect(readFileSync(unit, 'utf8')).to.contain(`--config "${s.config}"`);
      expect(readFileSync(unit, 'utf8')).to.contain(`WorkingDirectory=${join(t.path, 'my conf')}\n`);
      expect(calls(s.bin)).to.deep.equal([['daemon-reload'], ['enable', 'vigil-test']]);

      for (const verb of ['start', 'stop', 'status']) {
        const r = vigil([verb, '--name', 'vigil-test'], s.env);
        expect(r.status).to.equal(0);
        expect(r.stdout).to.equal(`systemctl ${verb} vigil-test\n`);
      }
      // systemctl status exits 3 for an inactive unit: that code comes through
      writeFileSync(join(s.bin, 'exit-codes.json'), '{"status": 3}');
      expect(vigil(['status', '--name', 'vigil-test'], s.env).status).to.equal(3);

      const u = vigil(['uninstall', '--name', 'vigil-test'], s.env);
      expect(u.status, u.stderr).to.equal(0);
      expect(existsSync(unit)).to.equal(false);
      expect(calls(s.bin).slice(-3)).to.deep.equal([['disable', 'vigil-test'], ['stop', 'vigil-test'], ['daemon-reload']]);
    } finally {
      t.cleanup();
    }
  });

  (asRoot ? it : it.skip)('uninstall keeps the unit when systemctl stop fails, and install stops when enable fails', () => {
    const t = tempDir('service');
    try {
      const s = setUp(t);
      const unit = join(s.units, 'vigil.service');
      writeFileSync(join(s.bin, 'exit-codes.json'), '{"enable": 4}');
      expect(vigil(['install', '--config', s.config], s.env).status).to.equal(4);
      expect(existsSync(unit)).to.equal(true);
      writeFileSync(join(s.bin, 'exit-codes.json'), '{"stop": 5}');
      expect(vigil(['uninstall'], s.env).status).to.equal(5);
      expect(existsSync(unit)).to.equal(true);
      const again = vigil(['uninstall', '--name', 'other'], s.env);
      expect(again.status).to.equal(1);
      expect(again.stderr).to.match(/^vigil service: .*other\.service does not exist/);
    } finally {
      t.cleanup();
    }
  });

  it('refuses in one line, exit 1: missing config, invalid config, systemctl missing, not root', function () {
    const t = tempDir('service');
    try {
      const s = setUp(t);
      const oneLine = (r: { status: number | null; stderr: string }, re: RegExp) => {
        expect(r.status, r.stderr).to.equal(1);
        expect(r.stderr.trimEnd().split('\n'), r.stderr).to.have.length(1);
        expect(r.stderr).to.match(re);
      };
      const missing = join(t.path, 'nope.yaml');
      oneLine(vigil(['install', '--config', missing, '--dry-run'], s.env), new RegExp(`^vigil service: config file not found: ${missing}`));
      const bad = join(t.path, 'bad.yaml');
      writeFileSync(bad, 'inputs:\n  - type: file\n    paths: [a.log]\n    scan_intervall: 1s\nlogging: { level: loud }\n');
      oneLine(vigil(['install', '--config', bad], s.env), /^vigil service: config is not valid: .*bad\.yaml:\d+:\d+: .*\(and 1 more; see vigil check/);
      const noSystemctl = { ...s.env, PATH: join(t.path, 'units') };
      oneLine(vigil(['install', '--config', s.config], noSystemctl), /^vigil service: systemctl not found on PATH/);
      oneLine(vigil(['status'], noSystemctl), /^vigil service: systemctl not found on PATH/);
      oneLine(vigil(['restart'], s.env), /^vigil service: unknown action "restart"/);
      if (asRoot) {
        // as an unprivileged user, which may not reach the checkout: the CLI runs from a world-readable copy
        chmodSync(t.path, 0o755);
        const r = vigil(['install', '--config', s.config], s.env, { uid: 65534, gid: 65534 }, worldReadableCli());
        oneLine(r, /^vigil service: install must run as root/);
      }
      expect(calls(s.bin)).to.deep.equal([]);
      expect(existsSync(join(s.units, 'vigil.service'))).to.equal(false);
    } finally {
      t.cleanup();
    }
  });
});
