import type { EventDoc } from '../../../../src/core/event';
import { appendUnique, getField, setField } from '../shared/doc-fields';
import type { EventData } from '../shared/event-data';
import { splitDomainUser } from '../shared/domain-user';
import { splitCommandLine } from '../shared/windows-args';

/**
 * `process.*` and `user.*` of a PowerShell event, as Winlogbeat's powershell module sets them: the host
 * process (`HostId` → `process.entity_id`, `HostApplication` → `process.command_line` and its
 * arguments, `HostName` → `process.title`); the user from `UserId` (classic) or `User` (Operational,
 * `DOMAIN\name`), `user.id` from the SID on Operational events; a remote session's `ConnectedUser`
 * becomes `source.user` and the acting `user`, the local account moving to `destination.user`.
 */
export function addPowershellProcess(doc: EventDoc, f: EventData): void {
  setField(doc, 'process.entity_id', f.HostId ?? f.HostID);
  setField(doc, 'process.command_line', f.HostApplication);
  setField(doc, 'process.title', f.HostName);
  if (f.HostApplication !== undefined) {
    const args = splitCommandLine(f.HostApplication);
    if (args.length > 0) { setField(doc, 'process.args', args); setField(doc, 'process.args_count', args.length); }
  }
}

export function addPowershellUser(doc: EventDoc, f: EventData, winlog: Record<string, unknown>, classic: boolean): void {
  if (!classic) {
    const sid = getField(winlog, 'user.identifier');
    if (typeof sid === 'string') setField(doc, 'user.id', sid);
  }
  const account = splitDomainUser(classic ? f.UserId : f.User);
  if (account) {
    setField(doc, 'user.domain', account.domain);
    setField(doc, 'user.name', account.name);
    appendUnique(doc, 'related.user', account.name);
  }
  const connected = classic ? undefined : splitDomainUser(f.ConnectedUser);
  if (connected) {
    setField(doc, 'source.user.domain', connected.domain);
    setField(doc, 'source.user.name', connected.name);
    appendUnique(doc, 'related.user', connected.name);
    if (account) {
      setField(doc, 'destination.user.domain', account.domain);
      setField(doc, 'destination.user.name', account.name);
    }
    setField(doc, 'user.domain', connected.domain);
    setField(doc, 'user.name', connected.name);
  }
}
