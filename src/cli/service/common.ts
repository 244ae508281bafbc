/**
 * What `vigil service` needs on every platform: the options, the refusals, the config check and
 * the paths of node and the CLI the service will run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkConfigFileDetailed } from '../../runtime/config/load';
import { formatProblem } from '../../runtime/config/types';
import { serviceNodeFlags } from '../node-flags';
import { UNIT_NAME, type UnitOptions } from './systemd-unit';

export const SERVICE_ACTIONS = ['install', 'uninstall', 'start', 'stop', 'status'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

/** A clear, one-line reason not to go on; the CLI prints it and exits 1. */
export class ServiceRefusal extends Error {}

export interface ServiceOptions {
  config?: string;
  name?: string;
  user?: string;
  dryRun?: boolean;
}

export interface ServiceContext {
  action: ServiceAction;
  name: string;
  user?: string;
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
  uid: number | undefined;
  /** the service's command line and folders; validates the config (install only calls it) */
  unit: () => UnitOptions;
  out: (line: string) => void;
}

/** dist/src/cli/main.js, next to this file's folder */
export const CLI_PATH = path.resolve(__dirname, '..', 'main.js');

export function makeContext(action: string, opts: ServiceOptions, env: NodeJS.ProcessEnv, cwd: string, out: (line: string) => void): ServiceContext {
  if (!(SERVICE_ACTIONS as readonly string[]).includes(action)) {
    throw new ServiceRefusal(`unknown action ${JSON.stringify(action)} (use ${SERVICE_ACTIONS.join(', ')})`);
  }
  const name = (opts.name ?? 'vigil').replace(/\.service$/, '');
  if (!UNIT_NAME.test(name)) throw new ServiceRefusal(`invalid service name ${JSON.stringify(name)} (letters, digits, _ . : - only)`);
  let unit: UnitOptions | undefined;
  return {
    action: action as ServiceAction,
    name,
    user: opts.user,
    dryRun: opts.dryRun === true,
    env,
    uid: process.getuid?.(),
    out,
    unit: () => (unit ??= {
      name,
      nodePath: process.execPath,
      nodeFlags: serviceNodeFlags(CLI_PATH),
      cliPath: CLI_PATH,
      configPath: validConfig(opts.config ?? 'vigil.yaml', cwd, env),
      workingDirectory: path.dirname(path.resolve(cwd, opts.config ?? 'vigil.yaml')),
      user: opts.user,
    }),
  };
}

/**
 * The config's absolute path, once the same loader `vigil check` uses accepts it: a service that
 * cannot start would only fail later, in the system log.
 */
function validConfig(file: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const abs = path.resolve(cwd, file);
  if (!fs.existsSync(abs)) throw new ServiceRefusal(`config file not found: ${abs}`);
  const { problems } = checkConfigFileDetailed(abs, { cwd: path.dirname(abs), env });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more; see vigil check --config ${abs})` : '';
    throw new ServiceRefusal(`config is not valid: ${formatProblem(problems[0])}${more}`);
  }
  return abs;
}

/** The executable `cmd` on env.PATH, or undefined. */
export function findOnPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      if (fs.statSync(p).isFile()) {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}
