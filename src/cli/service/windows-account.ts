/**
 * The account a Windows service logs on as, from `vigil service install --user`. Vigil never takes
 * a password: accounts without one (virtual, built-in, managed) are set with `sc.exe config obj=`;
 * for an account that has one, WinSW asks for it on the console at install (`install /p`), so it
 * goes from the keyboard to the Service Control Manager and is never printed or written to a file.
 */
import { ServiceRefusal } from './common';

export type WindowsAccount =
  /** the service's own virtual account, `NT SERVICE\<service>` (the default) */
  | { kind: 'virtual'; name: string }
  /** `NT AUTHORITY\LocalService` or `NetworkService` */
  | { kind: 'builtin'; name: string }
  /** a (group) managed service account, `DOMAIN\name$`: Windows keeps its password */
  | { kind: 'managed'; name: string }
  /** a user account with a password: WinSW prompts for it */
  | { kind: 'password'; name: string }
  | { kind: 'localsystem'; name: 'LocalSystem' };

const BUILTIN: Record<string, string> = {
  localservice: 'NT AUTHORITY\\LocalService',
  'local service': 'NT AUTHORITY\\LocalService',
  networkservice: 'NT AUTHORITY\\NetworkService',
  'network service': 'NT AUTHORITY\\NetworkService',
};

/** `--user` (undefined: the virtual account) for the service `serviceId` (e.g. `vigil.exe`). */
export function windowsAccount(user: string | undefined, serviceId: string): WindowsAccount {
  const virtual = `NT SERVICE\\${serviceId}`;
  if (user === undefined) return { kind: 'virtual', name: virtual };
  if (/[\0-\x1f"]/.test(user)) throw new ServiceRefusal(`--user must not contain quotes or control characters, got ${JSON.stringify(user)}`);
  if (/^(\.\\)?localsystem$|^nt authority\\system$/i.test(user)) return { kind: 'localsystem', name: 'LocalSystem' };
  const m = /^([^\\]+)\\([^\\]+)$/.exec(user);
  if (!m) throw new ServiceRefusal(`--user must be DOMAIN\\account or .\\account on Windows (or NT SERVICE\\${serviceId}, DOMAIN\\gmsa$, LocalSystem), got ${JSON.stringify(user)}`);
  const [, domain, account] = m;
  if (/^nt authority$/i.test(domain)) {
    const name = BUILTIN[account.toLowerCase()];
    if (!name) throw new ServiceRefusal(`--user ${user}: use NT AUTHORITY\\LocalService, NT AUTHORITY\\NetworkService or LocalSystem`);
    return { kind: 'builtin', name };
  }
  if (/^nt service$/i.test(domain)) {
    if (account.toLowerCase() !== serviceId.toLowerCase()) {
      throw new ServiceRefusal(`--user ${user}: a virtual account is named after its service, here ${virtual}`);
    }
    return { kind: 'virtual', name: virtual };
  }
  if (account.endsWith('$')) return { kind: 'managed', name: user };
  return { kind: 'password', name: user };
}
