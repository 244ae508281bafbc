import { addRelated, isObj, objAt, present, putText, type Obj } from './doc-fields';
import { idSet } from './id-sets';

/**
 * Who did what to whom in a Security event, as Winlogbeat's security module reads it: `user.*` (the
 * account the event is about: the subject, or for logons the account logged on), `user.target.*` (the
 * account acted upon), `user.effective.*` (the account a process or explicit logon ran as), `group.*`
 * (the group of a membership change), `winlog.computerObject` (4741-4743), and `related.user`.
 * The steps run in Winlogbeat's order, so that where two apply the later one wins as it does there.
 */

/** Logons, logoffs and credential checks: the target account is the user (`user.*`). */
const TARGET_IS_USER = idSet('4624 4625 4634 4647 4648 4768-4771 4776 4964');
/** Membership and group changes: the member is `user.target`, the group `group.*`. */
const GROUP_EVENTS = idSet('4727-4735 4737 4744-4764 4799');
const COMPUTER_EVENTS = idSet('4741-4743');
/** Events whose acting account (Subject*) is the user. */
const SUBJECT_IS_USER = idSet('4648 4657 4670 4672-4674 4688 4689 4697-4702 4706 4707 4713 4716-4720 4722-4735 4737-4764 4767 4781 4798 4799 4817 4904 4905 4907 4912');
/** Account management: the account acted upon is `user.target`. */
const TARGET_IS_TARGET = idSet('4670 4720 4722-4726 4738 4740 4767 4798 4817 4907');
const TARGET_IS_EFFECTIVE = idSet('4648 4688');
const SESSION_EVENTS = idSet('4778 4779');
const RELATED_SUBJECT = idSet('4624 4648');
const RELATED_TARGET = idSet('4688 4720 4722-4726 4738 4740 4767 4798');
/** Logoffs: their session is the target's. */
const TARGET_LOGON_ID = idSet('4634 4647 4964');

/** `user@domain` → `user` (a UPN as TargetUserName). */
function beforeAt(name: string): string {
  const i = name.indexOf('@');
  return i < 0 ? name : name.slice(0, i);
}

/** `CN=Jane Doe,OU=Staff,DC=corp,DC=example` → its first CN, and the first DC after the fourth part's place. */
function memberOfDn(dn: string): { name: string; domain?: string } {
  const parts = dn.split(',');
  const name = parts[0].replace(/^cn=/i, '');
  const domain = parts.length >= 4 ? parts[3].replace(/^dc=/i, '') : undefined;
  return { name, domain };
}

export function enrichSecurityUsers(doc: Obj, winlog: Obj, code: string): void {
  const ed: Obj = isObj(winlog.event_data) ? winlog.event_data : {};
  const user: Obj = {};
  const target = (): Obj => objAt(user, 'target');

  if (SESSION_EVENTS.has(code)) {
    putText(user, 'name', ed.AccountName);
    addRelated(doc, 'user', ed.AccountName);
    putText(user, 'domain', ed.AccountDomain);
    let ip = ed.ClientAddress;
    if (ip === 'LOCAL') ip = '127.0.0.1';
    if (present(ip) && ip !== 'Unknown') {
      objAt(doc, 'source').ip = ip;
      addRelated(doc, 'ip', ip);
    }
    if (present(ed.ClientName)) objAt(doc, 'source').domain = ed.ClientName;
    if (present(ed.LogonID)) objAt(doc, 'winlog', 'logon').id = ed.LogonID;
  }

  if (TARGET_IS_USER.has(code)) {
    const id = present(ed.TargetUserSid) ? ed.TargetUserSid : ed.TargetSid;
    if (present(id)) (user.id === undefined ? user : target()).id = id;
    if (present(ed.TargetUserName)) {
      const name = beforeAt(ed.TargetUserName);
      (user.name === undefined ? user : target()).name = name;
      addRelated(doc, 'user', name);
    }
    if (present(ed.TargetDomainName)) (user.domain === undefined ? user : target()).domain = ed.TargetDomainName;
  }

  if (GROUP_EVENTS.has(code)) {
    if (present(ed.MemberName)) {
      const m = memberOfDn(ed.MemberName);
      target().name = m.name;
      addRelated(doc, 'user', m.name);
      if (m.domain !== undefined) target().domain = m.domain;
    }
    const group: Obj = {};
    putText(group, 'id', ed.TargetUserSid);
    putText(group, 'id', ed.TargetSid);
    putText(group, 'name', ed.TargetUserName);
    if (present(ed.TargetDomainName)) group.domain = ed.TargetDomainName.replace(/^dc=/i, '');
    if (Object.keys(group).length > 0) {
      Object.assign(objAt(doc, 'group'), group);
      if (isObj(user.target)) user.target.group = { ...group };
    }
  }

  if (COMPUTER_EVENTS.has(code)) {
    const computer: Obj = {};
    putText(computer, 'id', ed.TargetSid);
    putText(computer, 'name', ed.TargetUserName);
    putText(computer, 'domain', ed.TargetDomainName);
    if (Object.keys(computer).length > 0) Object.assign(objAt(doc, 'winlog', 'computerObject'), computer);
  }

  if (SUBJECT_IS_USER.has(code)) {
    putText(user, 'id', ed.SubjectUserSid);
    if (present(ed.SubjectUserName)) {
      user.name = ed.SubjectUserName;
      addRelated(doc, 'user', ed.SubjectUserName);
    }
    putText(user, 'domain', ed.SubjectDomainName);
  }

  if (TARGET_IS_TARGET.has(code)) {
    putText(target(), 'id', ed.TargetSid);
    if (present(ed.TargetUserName)) {
      const name = beforeAt(ed.TargetUserName);
      target().name = name;
      addRelated(doc, 'user', name);
    }
    putText(target(), 'domain', ed.TargetDomainName);
    if (Object.keys(target()).length === 0) delete user.target;
  }

  if (TARGET_IS_EFFECTIVE.has(code)) {
    const eff: Obj = {};
    putText(eff, 'id', ed.TargetUserSid);
    if (present(ed.TargetUserName)) {
      eff.name = beforeAt(ed.TargetUserName);
      addRelated(doc, 'user', eff.name);
    }
    putText(eff, 'domain', ed.TargetDomainName);
    if (Object.keys(eff).length > 0) user.effective = eff;
  }

  if (code === '1102' && isObj(winlog.user_data)) {
    const ud = winlog.user_data;
    putText(user, 'id', ud.SubjectUserSid);
    if (present(ud.SubjectUserName)) {
      user.name = ud.SubjectUserName;
      addRelated(doc, 'user', ud.SubjectUserName);
    }
    putText(user, 'domain', ud.SubjectDomainName);
  }

  if (RELATED_SUBJECT.has(code)) addRelated(doc, 'user', ed.SubjectUserName);
  if (RELATED_TARGET.has(code)) addRelated(doc, 'user', ed.TargetUserName);
  if (present(ed.NewTargetUserName)) {
    objAt(user, 'changes').name = ed.NewTargetUserName;
    addRelated(doc, 'user', ed.NewTargetUserName);
  }
  if (present(ed.OldTargetUserName)) {
    target().name = ed.OldTargetUserName;
    addRelated(doc, 'user', ed.OldTargetUserName);
  }

  if (Object.keys(user).length > 0) Object.assign(objAt(doc, 'user'), user);
}

/** `winlog.logon.id`: the subject's logon session (the target's for logoffs), as Winlogbeat sets it. */
export function securityLogonId(doc: Obj, winlog: Obj, code: string): void {
  const ed: Obj = isObj(winlog.event_data) ? winlog.event_data : {};
  let id: unknown;
  if (TARGET_LOGON_ID.has(code)) id = ed.TargetLogonId;
  if (typeof ed.SubjectLogonId === 'string' && ed.SubjectLogonId !== '') id = ed.SubjectLogonId;
  if (code === '1102' && isObj(winlog.user_data) && typeof winlog.user_data.SubjectLogonId === 'string') id = winlog.user_data.SubjectLogonId;
  if (typeof id === 'string' && id !== '') objAt(doc, 'winlog', 'logon').id = id;
}
