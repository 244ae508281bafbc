/**
 * `vigil service` on Windows, through node-windows (an optional dependency, installed only where
 * npm installs it; loaded here, lazily, so Linux never needs it). Not tested: this project's CI
 * has no Windows. install/uninstall go through node-windows (it writes a winsw wrapper under
 * dist/src/daemon/ and registers it); start/stop/status call `net` and `sc` directly so their
 * output and exit code pass through, as systemctl's do on Linux.
 */
import { spawnSync } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { CLI_PATH, ServiceRefusal, type ServiceContext } from './common';

/** The part of node-windows' Service used here (the package has no types). */
interface NodeWindowsService extends EventEmitter {
  install(): void;
  uninstall(): void;
}
type ServiceCtor = new (config: Record<string, unknown>) => NodeWindowsService;

function loadNodeWindows(): ServiceCtor {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('node-windows') as { Service: ServiceCtor }).Service;
  } catch {
    throw new ServiceRefusal('the node-windows package is missing; run `npm install` in the Vigil folder (it is an optional dependency, for Windows only)');
  }
}

export async function runWindowsService(ctx: ServiceContext): Promise<number> {
  // node-windows names the Windows service after the name, lower-cased, non-word characters dropped, plus ".exe"
  const serviceId = `${ctx.name.replace(/[^\w]/g, '').toLowerCase()}.exe`;
  if (ctx.action === 'start' || ctx.action === 'stop' || ctx.action === 'status') {
    const [cmd, args] = ctx.action === 'status' ? ['sc.exe', ['query', serviceId]] : ['net.exe', [ctx.action, serviceId]];
    if (ctx.dryRun) {
      ctx.out(`would run: ${cmd} ${args.join(' ')}`);
      return 0;
    }
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.error) throw new ServiceRefusal(`cannot run ${cmd}: ${r.error.message}`);
    return r.status ?? 1;
  }

  const u = ctx.action === 'install' ? ctx.unit() : undefined;
  // node-windows hands the script its arguments as one string split on spaces
  if (u && /\s/.test(u.configPath)) throw new ServiceRefusal(`the config path must not contain spaces on Windows (node-windows splits arguments on them): ${u.configPath}`);
  const config: Record<string, unknown> = {
    name: ctx.name,
    description: 'Vigil log monitoring daemon',
    script: CLI_PATH,
    ...(u && {
      scriptOptions: `run --config ${u.configPath}`,
      // the wrapper forks the script with its own node flags, so the heap limit reaches the daemon
      nodeOptions: [u.heapFlag],
      workingDirectory: u.workingDirectory,
    }),
    ...(ctx.user !== undefined && { logOnAs: logOnAs(ctx.user, ctx.env) }),
  };
  if (ctx.dryRun) {
    ctx.out(`would ${ctx.action} the Windows service ${serviceId} (node-windows) with:`);
    ctx.out(JSON.stringify({ ...config, logOnAs: config.logOnAs && { ...(config.logOnAs as object), password: '***' } }, null, 2));
    return 0;
  }

  const Service = loadNodeWindows();
  const svc = new Service(config);
  return new Promise<number>((resolve) => {
    const done = (code: number, line: string) => { ctx.out(line); resolve(code); };
    svc.on('install', () => done(0, `installed the Windows service ${serviceId}; start it with: vigil service start --name ${ctx.name}`));
    svc.on('alreadyinstalled', () => done(1, `${serviceId} is already installed (vigil service uninstall first)`));
    svc.on('invalidinstallation', () => done(1, `${serviceId} is installed but its files are damaged; uninstall it first`));
    svc.on('uninstall', () => done(0, `uninstalled the Windows service ${serviceId}`));
    svc.on('alreadyuninstalled', () => done(1, `${serviceId} is not installed`));
    svc.on('error', (e: unknown) => done(1, `node-windows: ${String(e)}`));
    if (ctx.action === 'install') svc.install();
    else svc.uninstall();
  });
}

/** `DOMAIN\account` or `.\account` (local); the password, if the account has one, from VIGIL_SERVICE_PASSWORD. */
function logOnAs(user: string, env: NodeJS.ProcessEnv): { domain: string; account: string; password: string } {
  const m = /^([^\\]+)\\([^\\]+)$/.exec(user);
  if (!m) throw new ServiceRefusal(`--user must be DOMAIN\\account or .\\account on Windows, got ${JSON.stringify(user)}`);
  return { domain: m[1], account: m[2], password: env.VIGIL_SERVICE_PASSWORD ?? '' };
}
