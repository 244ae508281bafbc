import type { EventDoc } from '../../../src/core/event';
import { isObj, objAt, type Obj } from './doc-fields';
import { failureReasonText, logonStatusText, logonTypeName } from './security-codes';
import { enrichSecurityEventData } from './security-event-data';
import { securityEventKind } from './security-events';
import { enrichSecurityProcess } from './security-process';
import { enrichSecurityUsers, securityLogonId } from './security-users';
import type { EnrichModule, Winlog } from './types';

/**
 * The Security channel, as Winlogbeat's security module enriches it: `event.category`/`type`/`action`
 * and `event.module`, the accounts (./security-users.ts), the process and source (./security-process.ts),
 * `winlog.logon.type` / `.id` / `.failure.*`, and Winlogbeat's additions to `winlog.event_data`
 * (./security-event-data.ts). The event's own `winlog.event_data` values are kept (Winlogbeat moves
 * some of them, e.g. IpAddress, ProcessName; Vigil's rules may test them), only PrivilegeList becomes
 * a list as Winlogbeat makes it.
 */
function enrichSecurity(doc: EventDoc, winlog: Winlog): void {
  const ev = objAt(doc, 'event');
  const code = typeof ev.code === 'string' ? ev.code : winlog.event_id !== undefined ? String(winlog.event_id) : '';
  if (code === '') return;
  ev.module = 'security';
  const kind = securityEventKind(code);
  if (kind) {
    ev.category = [...kind.category];
    ev.type = [...kind.type];
    ev.action = kind.action;
  }
  enrichSecurityUsers(doc, winlog, code);
  securityLogonId(doc, winlog, code);

  const ed: Obj = isObj(winlog.event_data) ? winlog.event_data : {};
  const logonType = logonTypeName(ed.LogonType);
  if (logonType) objAt(doc, 'winlog', 'logon').type = logonType;
  const reason = failureReasonText(ed.FailureReason);
  if (reason) objAt(doc, 'winlog', 'logon', 'failure').reason = reason;
  if (code === '4625' || code === '4776') {
    const status = logonStatusText(ed.Status);
    if (status) objAt(doc, 'winlog', 'logon', 'failure').status = status;
    const sub = logonStatusText(ed.SubStatus);
    if (sub) objAt(doc, 'winlog', 'logon', 'failure').sub_status = sub;
  }

  enrichSecurityProcess(doc, winlog, code);

  if (isObj(winlog.event_data)) enrichSecurityEventData(winlog.event_data, code);
}

export const securityModule: EnrichModule = {
  name: 'security',
  applies: (channel) => channel.toLowerCase() === 'security',
  enrich: enrichSecurity,
};
