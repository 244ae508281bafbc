/**
 * install/uninstall of the Windows service: the WinSW wrapper bundled with node-windows (an
 * optional dependency; WinSW 1.17) copied to `<dir>/<base>.exe` with its `<base>.xml`, registered
 * with `<base>.exe install`. node-windows' own Service API is not used: it prints the service
 * account's password (a stray console.log in its winsw.js) and writes it into the XML. Here no
 * password passes through Vigil: see windows-account.ts. The files go to dist/src/cli/daemon/ (where
 * node-windows put them), or to VIGIL_WINSW_DIR; VIGIL_WINSW_EXE replaces the WinSW binary (tests).
 */
import { spawnSync, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_PATH, ServiceRefusal, type ServiceContext } from './common';
import { windowsAccount, type WindowsAccount } from './windows-account';
import { renderWinswXml } from './winsw-xml';

/** A command run after WinSW registered the service, to set its account up. */
interface Step {
  cmd: string;
  args: string[];
  /** output that means "nothing to do" despite a failing exit code */
  alreadyDone?: RegExp;
}

interface Files {
  dir: string;
  exe: string;
  xml: string;
  base: string;
}

function files(env: NodeJS.ProcessEnv, serviceId: string): Files {
  const dir = env.VIGIL_WINSW_DIR ?? path.join(path.dirname(CLI_PATH), 'daemon');
  const base = serviceId.replace(/\.exe$/, '');
  return { dir, base, exe: path.join(dir, `${base}.exe`), xml: path.join(dir, `${base}.xml`) };
}

function nodeWindowsRoot(): string {
  try {
    return path.dirname(require.resolve('node-windows/package.json'));
  } catch {
    throw new ServiceRefusal('the node-windows package is missing; run `npm install` in the Vigil folder (it is an optional dependency, for Windows only)');
  }
}

/** What sets the account up once WinSW registered the service (as LocalSystem). */
function accountSteps(account: WindowsAccount, serviceId: string, workingDirectory: string): Step[] {
  switch (account.kind) {
    case 'localsystem':
    case 'password': // WinSW set it from what was typed at its prompt
      return [];
    case 'builtin': // Windows wants an empty password for these
      return [{ cmd: 'sc.exe', args: ['config', serviceId, 'obj=', account.name, 'password=', ''] }];
    case 'managed': // no password= at all: Windows fetches a managed account's password itself
      return [{ cmd: 'sc.exe', args: ['config', serviceId, 'obj=', account.name] }];
    case 'virtual':
      return [
        { cmd: 'sc.exe', args: ['config', serviceId, 'obj=', account.name] },
        // reads Security too; error 1378: already a member (a reinstall)
        { cmd: 'net.exe', args: ['localgroup', 'Event Log Readers', account.name, '/add'], alreadyDone: /\b1378\b/ },
        // the daemon writes its state, events and outbox under the config's folder
        { cmd: 'icacls.exe', args: [workingDirectory, '/grant', `${account.name}:(OI)(CI)M`] },
      ];
  }
}

function shown(cmd: string, args: string[]): string {
  return [cmd, ...args].map((a) => (a === '' || /[\s"]/.test(a) ? `"${a}"` : a)).join(' ');
}

/** Runs a command; its output is passed through (captured only to look for `alreadyDone`). */
function run(ctx: ServiceContext, cmd: string, args: string[], alreadyDone?: RegExp): number {
  const stdio: StdioOptions = alreadyDone ? 'pipe' : 'inherit';
  const r = spawnSync(cmd, args, { stdio, env: ctx.env, encoding: 'utf8' });
  if (r.error) {
    ctx.out(`cannot run ${cmd}: ${r.error.message}`);
    return 1;
  }
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (alreadyDone) for (const l of output.split(/\r?\n/)) if (l.trim()) ctx.out(l.trimEnd());
  if (r.status !== 0 && alreadyDone?.test(output)) return 0;
  return r.status ?? 1;
}

export function installWinsw(ctx: ServiceContext, serviceId: string): number {
  if (ctx.env.VIGIL_SERVICE_PASSWORD !== undefined) {
    throw new ServiceRefusal('VIGIL_SERVICE_PASSWORD is set, but Vigil no longer takes a service password (it would be shown and stored in clear); unset it: for an account with a password, WinSW asks for it at install');
  }
  const account = windowsAccount(ctx.user, serviceId);
  const u = ctx.unit();
  // wrapper.js hands the daemon its arguments as one string split on spaces
  if (/\s/.test(u.configPath)) throw new ServiceRefusal(`the config path must not contain spaces on Windows (the service wrapper splits arguments on them): ${u.configPath}`);
  const root = nodeWindowsRoot();
  const exeSource = ctx.env.VIGIL_WINSW_EXE ?? path.join(root, 'bin', 'winsw', 'winsw.exe');
  const f = files(ctx.env, serviceId);
  const xml = renderWinswXml({
    id: serviceId,
    name: ctx.name,
    nodePath: u.nodePath,
    nodeFlags: u.nodeFlags,
    wrapperPath: path.join(root, 'lib', 'wrapper.js'),
    cliPath: u.cliPath,
    configPath: u.configPath,
    workingDirectory: u.workingDirectory,
  });
  const winswArgs = account.kind === 'password' ? ['install', '/p'] : ['install'];
  const steps = accountSteps(account, serviceId, u.workingDirectory);

  if (ctx.dryRun) {
    ctx.out(`would write ${f.xml}:`);
    ctx.out(xml.replace(/\r\n/g, '\n'));
    ctx.out(`would copy ${exeSource} to ${f.exe}`);
    for (const [cmd, args] of [[f.exe, winswArgs], ...steps.map((s) => [s.cmd, s.args])] as [string, string[]][]) {
      ctx.out(`would run: ${shown(cmd, args)}`);
    }
    ctx.out(`the service would run as ${account.name}`);
    return 0;
  }
  if (fs.existsSync(f.exe) && fs.existsSync(f.xml)) {
    ctx.out(`${serviceId} is already installed (vigil service uninstall first)`);
    return 1;
  }
  fs.mkdirSync(f.dir, { recursive: true });
  fs.writeFileSync(f.xml, xml);
  fs.copyFileSync(exeSource, f.exe);
  if (fs.existsSync(`${exeSource}.config`)) fs.copyFileSync(`${exeSource}.config`, `${f.exe}.config`);

  if (account.kind === 'password') {
    ctx.out(`WinSW asks for the account: type ${account.name}, then its password (not shown; Vigil never sees it), then y to grant the account "Log on as a service"`);
  }
  const code = run(ctx, f.exe, winswArgs);
  if (code !== 0) {
    removeFiles(ctx, f);
    ctx.out(`WinSW could not install ${serviceId} (exit ${code}); nothing is registered (is this an administrator terminal?)`);
    return code;
  }
  for (const s of steps) {
    const c = run(ctx, s.cmd, s.args, s.alreadyDone);
    if (c !== 0) {
      ctx.out(`${serviceId} is installed, but \`${shown(s.cmd, s.args)}\` failed (exit ${c}): run it yourself, or vigil service uninstall --name ${ctx.name}`);
      return c;
    }
  }
  ctx.out(`installed the Windows service ${serviceId}, logging on as ${account.name}; start it with: vigil service start --name ${ctx.name}`);
  return 0;
}

export function uninstallWinsw(ctx: ServiceContext, serviceId: string): number {
  const f = files(ctx.env, serviceId);
  if (ctx.dryRun) {
    ctx.out(`would run: ${shown('net.exe', ['stop', serviceId])} (if it is running)`);
    ctx.out(`would run: ${shown(f.exe, ['uninstall'])}`);
    ctx.out(`would remove ${path.join(f.dir, `${f.base}.*`)}`);
    return 0;
  }
  if (!fs.existsSync(f.exe) || !fs.existsSync(f.xml)) {
    ctx.out(`${serviceId} is not installed (no ${f.exe} and ${f.xml})`);
    return 1;
  }
  // `<exe> status` prints Started, Stopped or NonExistent; net stop waits until it has stopped
  const status = spawnSync(f.exe, ['status'], { env: ctx.env, encoding: 'utf8' });
  if (/Started/.test(status.stdout ?? '')) {
    const c = run(ctx, 'net.exe', ['stop', serviceId]);
    if (c !== 0) {
      ctx.out(`could not stop ${serviceId} (exit ${c}); it stays installed`);
      return c;
    }
  }
  const code = run(ctx, f.exe, ['uninstall']);
  if (code !== 0) {
    ctx.out(`WinSW could not uninstall ${serviceId} (exit ${code}); its files are kept in ${f.dir}`);
    return code;
  }
  removeFiles(ctx, f);
  ctx.out(`uninstalled the Windows service ${serviceId}`);
  return 0;
}

/** The wrapper's files (`<base>.exe`, `.exe.config`, `.xml` and its logs) and the folder once empty. */
function removeFiles(ctx: ServiceContext, f: Files): void {
  for (const name of fs.readdirSync(f.dir)) {
    if (!name.startsWith(`${f.base}.`)) continue;
    try {
      fs.rmSync(path.join(f.dir, name), { force: true });
    } catch (e) {
      ctx.out(`could not remove ${path.join(f.dir, name)}: ${(e as Error).message}; delete it by hand`);
    }
  }
  try {
    fs.rmdirSync(f.dir);
  } catch {
    // not empty: other files are not ours to remove
  }
}
