/**
 * Which daemon `vigil ctl` talks to: its control API's URL and token file (and, for https, the
 * certificate to trust). Each comes from the first of: `--url` / `--token-file`; the `control`
 * section of `--config vigil.yaml`; `$VIGIL_CTL_URL` / `$VIGIL_CTL_TOKEN_FILE`; `./vigil.yaml` when
 * it exists (the file `vigil run` uses without --config); the embedded default (127.0.0.1:9680,
 * `./data/state/control.token`).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { checkConfigFileDetailed, embeddedDefaultConfig, parseConfigText } from '../../runtime/config/load';
import { formatProblem, type FileProblem } from '../../runtime/config/types';
import type { ControlConfig } from '../../control/config';
import { parseListen } from '../../control/config';

export interface CtlTarget {
  url: string;
  tokenFile: string;
  /** a certificate file to trust besides the system's (the daemon's own `control.tls.cert`) */
  ca?: string;
  /** where the URL came from, for messages: "--url", "vigil.yaml (control.listen)", ... */
  from: string;
}

export interface CtlTargetArgs {
  url?: string;
  tokenFile?: string;
  config?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Thrown when --config (or ./vigil.yaml) cannot be read or has problems: the message lists them. */
export class CtlConfigError extends Error {}

export function resolveCtlTarget(args: CtlTargetArgs): CtlTarget {
  const env = args.env ?? process.env;
  const implicit = !args.config && existsSync(path.join(args.cwd, 'vigil.yaml')) ? 'vigil.yaml' : undefined;
  const file = args.config ?? implicit;
  // the config is read only when it decides something: an explicit --url and --token-file need none
  const needConfig = !(args.url && args.tokenFile) && (args.config !== undefined || (!env.VIGIL_CTL_URL || !env.VIGIL_CTL_TOKEN_FILE));
  const control = needConfig ? controlOf(file, args.cwd, env) : undefined;
  const fromFile = control && file ? { url: controlUrl(control), tokenFile: control.token_file, from: `${file} (control.listen)` } : undefined;
  const fallback = control ?? embeddedDefaultConfig(args.cwd).control;
  const byConfig = args.config !== undefined;

  let url: string, from: string;
  if (args.url) { url = args.url; from = '--url'; }
  else if (byConfig && fromFile) { url = fromFile.url; from = fromFile.from; }
  else if (env.VIGIL_CTL_URL) { url = env.VIGIL_CTL_URL; from = '$VIGIL_CTL_URL'; }
  else if (fromFile) { url = fromFile.url; from = fromFile.from; }
  else { url = controlUrl(fallback); from = 'the embedded default'; }

  let tokenFile: string;
  if (args.tokenFile) tokenFile = path.resolve(args.cwd, args.tokenFile);
  else if (byConfig && fromFile) tokenFile = fromFile.tokenFile;
  else if (env.VIGIL_CTL_TOKEN_FILE) tokenFile = path.resolve(args.cwd, env.VIGIL_CTL_TOKEN_FILE);
  else tokenFile = fallback.token_file;

  const out: CtlTarget = { url, tokenFile, from };
  // the daemon's own certificate is trusted when the URL is the one its config gave
  if (control?.tls && fromFile && url === fromFile.url) out.ca = control.tls.cert;
  return out;
}

/**
 * The control section of `file` (undefined without a file), resolved as the daemon resolves it. Only
 * `state_dir` and `control` are read: the shell running ctl need not hold the secrets the rest of the
 * file takes from the environment (unset variables count as empty here). When those keys have a
 * problem, the file's own problems are reported, at their lines.
 */
function controlOf(file: string | undefined, cwd: string, env: NodeJS.ProcessEnv): ControlConfig | undefined {
  if (!file) return undefined;
  const abs = path.resolve(cwd, file);
  const problems = (own: FileProblem[] = []): CtlConfigError => {
    const full = checkConfigFileDetailed(file, { cwd, env, unsetEnv: 'empty' }).problems;
    return new CtlConfigError([`vigil ctl: ${file} has problems:`, ...(full.length ? full : own).map(formatProblem)].join('\n'));
  };
  let whole: unknown;
  try {
    whole = parseYaml(readFileSync(abs, 'utf8'));
  } catch {
    throw problems(); // unreadable, or not YAML: the loader says which, and where
  }
  const w = (whole && typeof whole === 'object' ? whole : {}) as Record<string, unknown>;
  const part = Object.fromEntries(['state_dir', 'control'].filter((k) => w[k] !== undefined).map((k) => [k, w[k]]));
  const r = parseConfigText(stringifyYaml(part), file, { cwd, env, sourcePath: abs, unsetEnv: 'empty' });
  if (r.config) return r.config.control;
  throw problems(r.problems);
}

/** The URL that reaches a control API listening as `control` says, from this machine. */
export function controlUrl(control: ControlConfig): string {
  const l = parseListen(control.listen);
  const listenHost = control.listen.trim().startsWith(':') ? '' : l?.host ?? '';
  const host = listenHost === '' || listenHost === '0.0.0.0' ? '127.0.0.1' : listenHost === '::' ? '::1' : listenHost;
  return `${control.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${l?.port ?? 9680}`;
}
