/**
 * `vigil service` on Linux: writes the unit from systemd-unit.ts and drives `systemctl`.
 * systemctl's own output and exit code are passed through (stdio inherited), so `status` reads
 * exactly as `systemctl status` would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderUnit } from './systemd-unit';
import { ServiceRefusal, findOnPath, type ServiceContext } from './common';

export const DEFAULT_SYSTEMD_DIR = '/etc/systemd/system';

export function unitPath(ctx: ServiceContext): string {
  // VIGIL_SYSTEMD_DIR lets the tests (and packagers) write somewhere other than /etc
  const dir = ctx.env.VIGIL_SYSTEMD_DIR || DEFAULT_SYSTEMD_DIR;
  return path.join(dir, `${ctx.name}.service`);
}

export function runSystemd(ctx: ServiceContext): number {
  const file = unitPath(ctx);
  if (ctx.dryRun) return dryRun(ctx, file);

  const systemctl = findOnPath('systemctl', ctx.env);
  if (!systemctl) throw new ServiceRefusal('systemctl not found on PATH (is this a systemd system?)');
  const run = (...args: string[]): number => {
    const r = spawnSync(systemctl, args, { stdio: 'inherit', env: ctx.env });
    if (r.error) throw new ServiceRefusal(`cannot run systemctl: ${r.error.message}`);
    return r.status ?? 1;
  };

  switch (ctx.action) {
    case 'install': {
      requireRoot(ctx);
      const unit = renderUnit(ctx.unit());
      // write then rename, so a failed write never leaves half a unit for systemd to read
      const tmp = `${file}.vigil-tmp`;
      fs.writeFileSync(tmp, unit, { mode: 0o644 });
      fs.renameSync(tmp, file);
      ctx.out(`wrote ${file}`);
      const code = run('daemon-reload') || run('enable', ctx.name);
      if (code === 0) ctx.out(`installed and enabled ${ctx.name}; start it with: vigil service start --name ${ctx.name}`);
      return code;
    }
    case 'uninstall': {
      requireRoot(ctx);
      if (!fs.existsSync(file)) throw new ServiceRefusal(`${file} does not exist (is ${ctx.name} installed?)`);
      // keep the file while the unit may still be running: remove it only once it is stopped
      const code = run('disable', ctx.name) || run('stop', ctx.name);
      if (code !== 0) return code;
      fs.rmSync(file);
      ctx.out(`removed ${file}`);
      return run('daemon-reload');
    }
    default:
      return run(ctx.action, ctx.name);
  }
}

function dryRun(ctx: ServiceContext, file: string): number {
  switch (ctx.action) {
    case 'install':
      ctx.out(`would write ${file}:`);
      ctx.out(renderUnit(ctx.unit()).trimEnd());
      ctx.out('would run: systemctl daemon-reload');
      ctx.out(`would run: systemctl enable ${ctx.name}`);
      break;
    case 'uninstall':
      ctx.out(`would run: systemctl disable ${ctx.name}`);
      ctx.out(`would run: systemctl stop ${ctx.name}`);
      ctx.out(`would remove ${file}`);
      ctx.out('would run: systemctl daemon-reload');
      break;
    default:
      ctx.out(`would run: systemctl ${ctx.action} ${ctx.name}`);
  }
  return 0;
}

function requireRoot(ctx: ServiceContext): void {
  if (ctx.uid !== 0) throw new ServiceRefusal(`${ctx.action} must run as root (it writes ${unitPath(ctx)} and runs systemctl); try sudo`);
}
