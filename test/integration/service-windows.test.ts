import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { shebangNodeFlags } from '../../src/cli/node-flags';
import { windowsAccount } from '../../src/cli/service/windows-account';
import { tempDir } from '../helpers/temp-dir';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'winsw');
const DRIVER = join(FIXTURES, 'run-windows-service.js');
const WRAPPER = join(dirname(require.resolve('node-windows/package.json')), 'lib', 'wrapper.js');

const PASSWORD = 'Pw-7f3!kq9Zt$x';

interface Setup { env: NodeJS.ProcessEnv; confDir: string; config: string; daemon: string; scm: string }

/**
 * A temp folder with stand-ins for WinSW (bin/winsw.exe, copied by install as the wrapper),
 * sc.exe, net.exe and icacls.exe on PATH, a stand-in SCM (scm.json), the daemon folder and a
 * valid config. TMP, TEMP, TMPDIR, HOME and USERPROFILE point inside it too, so every file the
 * run could write is under it.
 */
function setUp(root: string): Setup {
  const bin = join(root, 'bin');
  const confDir = join(root, 'conf');
  const home = join(root, 'home');
  for (const d of [bin, confDir, home]) mkdirSync(d);
  copyFileSync(join(FIXTURES, 'winsw.js'), join(bin, 'winsw.exe'));
  for (const cmd of ['sc.exe', 'net.exe', 'icacls.exe']) copyFileSync(join(FIXTURES, 'wincmd.js'), join(bin, cmd));
  for (const f of readdirSync(bin)) chmodSync(join(bin, f), 0o755);
  const config = join(confDir, 'vigil.yaml');
  writeFileSync(config, 'inputs: []\n');
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    VIGIL_WINSW_EXE: join(bin, 'winsw.exe'),
    VIGIL_WINSW_DIR: join(root, 'daemon'),
    VIGIL_TEST_SCM: join(root, 'scm.json'),
    TMP: home, TEMP: home, TMPDIR: home, HOME: home, USERPROFILE: home,
  };
  return { env, confDir, config, daemon: join(root, 'daemon'), scm: join(root, 'scm.json') };
}

function service(args: [string, Record<string, unknown>?], env: NodeJS.ProcessEnv, input = ''): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [DRIVER, args[0], JSON.stringify(args[1] ?? {})], { encoding: 'utf8', env, input });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Scm { services: Record<string, { account: string; passwordSha256?: string; logonRight?: boolean }>; calls: string[][] }
const scmOf = (s: Setup): Scm => (existsSync(s.scm) ? JSON.parse(readFileSync(s.scm, 'utf8')) as Scm : { services: {}, calls: [] });

/** Every file under dir (recursively) whose bytes hold `secret` as UTF-8 or UTF-16LE. */
function filesHolding(dir: string, secret: string): string[] {
  const found: string[] = [];
  const needles = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (needles.some((n) => readFileSync(p).includes(n))) found.push(p);
    }
  };
  walk(dir);
  return found;
}

describe('vigil service on Windows (stand-ins for WinSW, sc.exe, net.exe, icacls.exe)', () => {
  it('--user with a password: WinSW asks for it at install; it appears in no output and no file', () => {
    const t = tempDir('service-win');
    try {
      const s = setUp(t.path);
      const opts = { config: s.config, name: 'Vigil', user: '.\\svc' };

      // what an administrator types at WinSW's prompt: the account, the password, y (logon right)
      const r = service(['install', opts], s.env, `.\\svc\n${PASSWORD}\ny\n`);
      expect(r.status, r.out).to.equal(0);
      expect(r.out).to.contain('WinSW asks for the account: type .\\svc, then its password');
      expect(r.out).to.contain('installed the Windows service vigil.exe, logging on as .\\svc');
      // it did reach the Service Control Manager, with the right to log on as a service
      const svc = scmOf(s).services['vigil.exe'];
      expect(svc).to.deep.equal({ account: '.\\svc', running: false, passwordSha256: createHash('sha256').update(PASSWORD).digest('hex'), logonRight: true });
      expect(scmOf(s).calls).to.deep.equal([['winsw', 'install', '/p']]);

      const xml = readFileSync(join(s.daemon, 'vigil.xml'), 'utf8');
      expect(xml).not.to.match(/serviceaccount|password/i);
      expect(r.out).not.to.contain(PASSWORD);
      expect(filesHolding(t.path, PASSWORD)).to.deep.equal([]);

      // the dry run and uninstall never see it either
      const dry = service(['install', { ...opts, dryRun: true }], s.env);
      expect(dry.status, dry.out).to.equal(0);
      expect(dry.out).to.contain(`would run: ${join(s.daemon, 'vigil.exe')} install /p`);
      const u = service(['uninstall', { name: 'Vigil' }], s.env);
      expect(u.status, u.out).to.equal(0);
      expect(`${dry.out}${u.out}`).not.to.contain(PASSWORD);
      expect(filesHolding(t.path, PASSWORD)).to.deep.equal([]);
    } finally {
      t.cleanup();
    }
  });

  it('refuses VIGIL_SERVICE_PASSWORD (the old way), without printing it, and writes nothing', () => {
    const t = tempDir('service-win');
    try {
      const s = setUp(t.path);
      const r = service(['install', { config: s.config, user: '.\\svc' }], { ...s.env, VIGIL_SERVICE_PASSWORD: PASSWORD });
      expect(r.status).to.equal(1);
      expect(r.out).to.match(/^vigil service: VIGIL_SERVICE_PASSWORD is set, but Vigil no longer takes a service password .*WinSW asks for it at install\n$/);
      expect(r.out).not.to.contain(PASSWORD);
      expect(existsSync(s.daemon)).to.equal(false);
      expect(filesHolding(t.path, PASSWORD)).to.deep.equal([]);
    } finally {
      t.cleanup();
    }
  });

  it('by default logs on as the virtual account NT SERVICE\\vigil.exe: Event Log Readers, Modify on the config folder; uninstall removes the files', () => {
    const t = tempDir('service-win');
    try {
      const s = setUp(t.path);
      const account = 'NT SERVICE\\vigil.exe';
      const r = service(['install', { config: s.config }], s.env);
      expect(r.status, r.out).to.equal(0);
      expect(r.out).to.contain(`logging on as ${account}`);
      expect(scmOf(s).calls).to.deep.equal([
        ['winsw', 'install'],
        ['sc.exe', 'config', 'vigil.exe', 'obj=', account],
        ['net.exe', 'localgroup', 'Event Log Readers', account, '/add'],
        ['icacls.exe', s.confDir, '/grant', `${account}:(OI)(CI)M`],
      ]);
      expect(scmOf(s).services['vigil.exe'].account).to.equal(account);

      // the wrapper runs node-windows' wrapper.js, which runs the daemon with the shebang's flags, in the config's folder
      const xml = readFileSync(join(s.daemon, 'vigil.xml'), 'utf8');
      const args = [...xml.matchAll(/<argument>([^<]*)<\/argument>/g)].map((m) => m[1]);
      const flags = shebangNodeFlags(CLI);
      expect(args.slice(0, flags.length + 3)).to.deep.equal([...flags, WRAPPER, '--file', CLI]);
      expect(args).to.include(`--scriptoptions=run --config ${s.config}`);
      expect(xml).to.contain(`<executable>${process.execPath}</executable>`);
      expect(xml).to.contain(`<workingdirectory>${s.confDir}</workingdirectory>`);
      expect(xml).to.contain('<id>vigil.exe</id>');
      expect(xml).not.to.contain('serviceaccount');

      const again = service(['install', { config: s.config }], s.env);
      expect(again.status).to.equal(1);
      expect(again.out).to.contain('vigil.exe is already installed');

      const u = service(['uninstall', {}], s.env);
      expect(u.status, u.out).to.equal(0);
      expect(scmOf(s).calls.slice(-2)).to.deep.equal([['winsw', 'status'], ['winsw', 'uninstall']]);
      expect(scmOf(s).services).to.deep.equal({});
      expect(existsSync(s.daemon)).to.equal(false);
      expect(service(['uninstall', {}], s.env).status).to.equal(1);

      // a reinstall: the account is still in the group (error 1378), which is fine
      const re = service(['install', { config: s.config }], { ...s.env, VIGIL_TEST_ALREADY_MEMBER: '1' });
      expect(re.status, re.out).to.equal(0);
      expect(re.out).to.contain('already a member of the group');
    } finally {
      t.cleanup();
    }
  });

  it('a managed account (name$) and LocalService take no password; LocalSystem needs no change; a failing step is reported', () => {
    const t = tempDir('service-win');
    try {
      const s = setUp(t.path);
      const gmsa = service(['install', { config: s.config, name: 'gm', user: 'CORP\\vigil-gmsa$' }], s.env);
      expect(gmsa.status, gmsa.out).to.equal(0);
      const ls = service(['install', { config: s.config, name: 'ls', user: 'NT AUTHORITY\\LocalService' }], s.env);
      expect(ls.status, ls.out).to.equal(0);
      const sys = service(['install', { config: s.config, name: 'sys', user: 'LocalSystem' }], s.env);
      expect(sys.status, sys.out).to.equal(0);
      expect(scmOf(s).calls).to.deep.equal([
        ['winsw', 'install'],
        ['sc.exe', 'config', 'gm.exe', 'obj=', 'CORP\\vigil-gmsa$'],
        ['winsw', 'install'],
        ['sc.exe', 'config', 'ls.exe', 'obj=', 'NT AUTHORITY\\LocalService', 'password=', ''],
        ['winsw', 'install'],
      ]);
      expect(scmOf(s).services['sys.exe'].account).to.equal('LocalSystem');

      // WinSW failing: nothing registered, its files removed
      writeFileSync(s.scm, JSON.stringify({ services: { 'x.exe': { account: 'LocalSystem' } }, calls: [] }));
      const dup = service(['install', { config: s.config, name: 'x' }], s.env);
      expect(dup.status).to.equal(255);
      expect(dup.out).to.contain('WinSW could not install x.exe (exit 255); nothing is registered');
      expect(existsSync(join(s.daemon, 'x.xml'))).to.equal(false);
    } finally {
      t.cleanup();
    }
  });

  it('--user: the accepted forms, and clear refusals', () => {
    expect(windowsAccount(undefined, 'vigil.exe')).to.deep.equal({ kind: 'virtual', name: 'NT SERVICE\\vigil.exe' });
    expect(windowsAccount('nt service\\VIGIL.EXE', 'vigil.exe')).to.deep.equal({ kind: 'virtual', name: 'NT SERVICE\\vigil.exe' });
    expect(windowsAccount('CORP\\gmsa$', 'vigil.exe').kind).to.equal('managed');
    expect(windowsAccount('NT AUTHORITY\\Network Service', 'vigil.exe')).to.deep.equal({ kind: 'builtin', name: 'NT AUTHORITY\\NetworkService' });
    expect(windowsAccount('.\\LocalSystem', 'vigil.exe').kind).to.equal('localsystem');
    expect(windowsAccount('CORP\\alice', 'vigil.exe')).to.deep.equal({ kind: 'password', name: 'CORP\\alice' });
    expect(() => windowsAccount('NT SERVICE\\other', 'vigil.exe')).to.throw(/named after its service, here NT SERVICE\\vigil\.exe/);
    expect(() => windowsAccount('alice', 'vigil.exe')).to.throw(/--user must be DOMAIN\\account/);
    expect(() => windowsAccount('NT AUTHORITY\\Guest', 'vigil.exe')).to.throw(/LocalService/);
    expect(() => windowsAccount('CORP\\a"b', 'vigil.exe')).to.throw(/quotes/);
  });

  it('--dry-run prints the XML and the commands and changes nothing; a config path with spaces is refused', () => {
    const t = tempDir('service-win');
    try {
      const s = setUp(t.path);
      const r = service(['install', { config: s.config, dryRun: true }], s.env);
      expect(r.status, r.out).to.equal(0);
      expect(r.out).to.contain(`would write ${join(s.daemon, 'vigil.xml')}:\n<service>\n\t<id>vigil.exe</id>\n`);
      expect(r.out).to.contain(`would run: ${join(s.daemon, 'vigil.exe')} install\n`);
      expect(r.out).to.contain('would run: net.exe localgroup "Event Log Readers" "NT SERVICE\\vigil.exe" /add\n');
      expect(r.out).to.contain('the service would run as NT SERVICE\\vigil.exe\n');
      expect(existsSync(s.daemon)).to.equal(false);
      expect(scmOf(s).calls).to.deep.equal([]);

      const spaced = join(s.confDir, 'my conf.yaml');
      writeFileSync(spaced, 'inputs: []\n');
      const bad = service(['install', { config: spaced, dryRun: true }], s.env);
      expect(bad.status).to.equal(1);
      expect(bad.out).to.match(/^vigil service: the config path must not contain spaces/);
    } finally {
      t.cleanup();
    }
  });
});
