import type { EventDoc } from '../../../../src/core/event';
import { appendUnique, setField } from '../shared/doc-fields';
import type { EventData } from '../shared/event-data';
import { splitDomainUser } from '../shared/domain-user';

/**
 * `user.*` of a Sysmon event, as Winlogbeat's sysmon module sets it: `user.id` is the SID the event was
 * logged under (`winlog.user.identifier`, SYSTEM for Sysmon), `user.domain`/`user.name` the acting
 * process's account from `User` (`DOMAIN\name`); the name goes to `related.user`.
 */
export function addSysmonUser(doc: EventDoc, ed: EventData, winlog: Record<string, unknown>): void {
  const u = winlog.user;
  if (typeof u === 'object' && u !== null) {
    const sid = (u as Record<string, unknown>).identifier;
    if (typeof sid === 'string') setField(doc, 'user.id', sid);
  }
  const account = splitDomainUser(ed.User);
  if (account) {
    setField(doc, 'user.domain', account.domain);
    setField(doc, 'user.name', account.name);
    appendUnique(doc, 'related.user', account.name);
  }
}
