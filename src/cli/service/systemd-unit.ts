/**
 * Renders the systemd unit for `vigil service install` (pure: no file system, no systemctl).
 */

export interface UnitOptions {
  /** unit name without `.service` */
  name: string;
  /** absolute path of the node executable */
  nodePath: string;
  /** e.g. `--max-old-space-size=160 --max-semi-space-size=8`, from {@link serviceNodeFlags} */
  nodeFlags: string[];
  /** absolute path of dist/src/cli/main.js */
  cliPath: string;
  /** absolute path of vigil.yaml */
  configPath: string;
  /** folder the daemon runs in (the config's folder) */
  workingDirectory: string;
  /** `User=`; root when absent */
  user?: string;
}

/** Unit names systemd accepts for a plain service (no templates, no escaping needed). */
export const UNIT_NAME = /^[A-Za-z0-9_.:-]+$/;
/** A conservative user name: letters, digits, `_`, `.`, `-` (systemd's own rule for User=). */
export const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * One ExecStart= word. systemd splits the line on spaces unless quoted, expands `%x` specifiers
 * and `$VAR`/`${VAR}` environment variables, and unescapes C-style backslashes inside quotes;
 * so every word is double-quoted with `\` and `"` escaped, `%` doubled and `$` doubled.
 */
export function quoteExecArg(s: string): string {
  assertOneLine(s);
  const escaped = s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@+=:,./-]+$/.test(s) ? escaped : `"${escaped}"`;
}

/**
 * WorkingDirectory= takes the rest of the line as the path (no quoting, spaces inside are kept)
 * but expands specifiers, so only `%` needs escaping. systemd trims leading/trailing white space,
 * which an absolute path cannot have at its start, and we refuse at its end.
 */
function pathValue(s: string): string {
  assertOneLine(s);
  if (/\s$/.test(s)) throw new Error(`path ends in white space, which systemd would drop: ${JSON.stringify(s)}`);
  return s.replace(/%/g, '%%');
}

function assertOneLine(s: string): void {
  if (/[\n\r\0]/.test(s)) throw new Error(`path contains a line break or NUL: ${JSON.stringify(s)}`);
}

export function renderUnit(o: UnitOptions): string {
  if (!UNIT_NAME.test(o.name)) throw new Error(`invalid service name ${JSON.stringify(o.name)} (letters, digits, _ . : - only)`);
  if (o.user !== undefined && !USER_NAME.test(o.user)) throw new Error(`invalid user name ${JSON.stringify(o.user)}`);
  const exec = [o.nodePath, ...o.nodeFlags, o.cliPath, 'run', '--config', o.configPath].map(quoteExecArg).join(' ');
  return [
    '# Written by `vigil service install`; `vigil service uninstall` removes it.',
    '[Unit]',
    'Description=Vigil log monitoring daemon',
    // the daemon ships to Elasticsearch and mail servers, so wait until the network is up
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    `WorkingDirectory=${pathValue(o.workingDirectory)}`,
    ...(o.user !== undefined ? [`User=${o.user}`] : []),
    'Restart=on-failure',
    // vigil run drains and commits checkpoints on SIGTERM; give it time before SIGKILL
    'KillSignal=SIGTERM',
    'TimeoutStopSec=20',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
