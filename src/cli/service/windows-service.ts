/**
 * `vigil service` on Windows. install/uninstall write and register a WinSW wrapper (windows-winsw.ts);
 * start/stop/status call `net` and `sc` directly so their output and exit code pass through, as
 * systemctl's do on Linux. Not run on Windows by this project's CI: the tests drive it on Linux
 * with stand-ins for WinSW, sc.exe, net.exe and icacls.exe.
 */
import { spawnSync } from 'node:child_process';
import { ServiceRefusal, type ServiceContext } from './common';
import { installWinsw, uninstallWinsw } from './windows-winsw';

/** The Windows service name: `--name` lower-cased, non-word characters dropped, plus ".exe" (as node-windows named it). */
export function windowsServiceId(name: string): string {
  return `${name.replace(/[^\w]/g, '').toLowerCase()}.exe`;
}

export async function runWindowsService(ctx: ServiceContext): Promise<number> {
  const serviceId = windowsServiceId(ctx.name);
  if (ctx.action === 'install') return installWinsw(ctx, serviceId);
  if (ctx.action === 'uninstall') return uninstallWinsw(ctx, serviceId);
  const [cmd, args] = ctx.action === 'status' ? ['sc.exe', ['query', serviceId]] : ['net.exe', [ctx.action, serviceId]];
  if (ctx.dryRun) {
    ctx.out(`would run: ${cmd} ${args.join(' ')}`);
    return 0;
  }
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: ctx.env });
  if (r.error) throw new ServiceRefusal(`cannot run ${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}
