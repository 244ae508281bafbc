/**
 * The WinSW configuration (`<id>.xml` next to the wrapper's `<id>.exe`) of the Vigil service. It
 * runs node-windows' wrapper.js (which restarts the daemon when it dies) with the same arguments
 * node-windows itself would write, but has no `<serviceaccount>`: the account is set after
 * install without a password in any file (see windows-account.ts).
 */
import { XMLBuilder } from 'fast-xml-parser';

export interface WinswXmlOptions {
  /** the Windows service name, e.g. `vigil.exe` */
  id: string;
  /** the display name (`--name`) */
  name: string;
  nodePath: string;
  nodeFlags: string[];
  /** node-windows' lib/wrapper.js */
  wrapperPath: string;
  cliPath: string;
  configPath: string;
  workingDirectory: string;
}

export function renderWinswXml(o: WinswXmlOptions): string {
  const wrapperArgs = [
    '--file', o.cliPath,
    // wrapper.js splits this on spaces (hence no spaces in the config path)
    `--scriptoptions=run --config ${o.configPath}`,
    '--log', `${o.name} wrapper`,
    '--grow', '0.25',
    '--wait', '1',
    '--maxrestarts', '3',
    '--abortonerror', 'n',
  ];
  const service = {
    id: o.id,
    name: o.name,
    description: 'Vigil log monitoring daemon',
    executable: o.nodePath,
    // node's own flags first: the wrapper forks the daemon with the same flags, so the memory bounds reach it
    argument: [...o.nodeFlags, o.wrapperPath, ...wrapperArgs],
    logmode: 'rotate',
    stoptimeout: '30sec',
    workingdirectory: o.workingDirectory,
  };
  const xml = new XMLBuilder({ format: true, indentBy: '\t' }).build({ service }) as string;
  return xml.replace(/\r?\n/g, '\r\n');
}
