/**
 * `vigil service <install|uninstall|start|stop|status>`: a systemd unit on Linux, a Windows
 * service on Windows. Returns the exit code; a {@link ServiceRefusal} is printed as one line.
 */
import { makeContext, ServiceRefusal, type ServiceOptions } from './common';

export async function runService(action: string, opts: ServiceOptions, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const ctx = makeContext(action, opts, env, cwd, (line) => process.stdout.write(`${line}\n`));
    if (process.platform === 'win32') {
      const { runWindowsService } = await import('./windows-service');
      return await runWindowsService(ctx);
    }
    if (process.platform !== 'linux') throw new ServiceRefusal(`not supported on ${process.platform} (Linux with systemd, or Windows)`);
    const { runSystemd } = await import('./systemd');
    return runSystemd(ctx);
  } catch (e) {
    // a refusal, or e.g. EACCES writing the unit: one line, exit 1
    if (!(e instanceof Error)) throw e;
    process.stderr.write(`vigil service: ${e.message}\n`);
    return 1;
  }
}
