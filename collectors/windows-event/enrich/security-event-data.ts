import { idSet } from './id-sets';
import type { Obj } from './doc-fields';
import { uacFlagNames } from './security-codes';

/**
 * What Winlogbeat's security module adds to (or reshapes in) `winlog.event_data`, for the searches
 * written against it: `NewUACList` (the user-account-control flags of NewUacValue by name),
 * `AccessMaskDescription` (the access rights of AccessMask by name) and `PrivilegeList` as a list of
 * privileges (Windows writes them one a line), so `PrivilegeList: "SeDebugPrivilege"` matches an event
 * that lists several.
 */

/** Events whose PrivilegeList Winlogbeat splits. */
const PRIVILEGE_LIST_EVENTS = idSet('4672-4674 4741-4743');

/** Access-mask bits that Winlogbeat names (directory-service and standard rights). */
const ACCESS_MASK_BITS: Array<[number, string]> = [
  [0x1, 'Create Child'], [0x2, 'Delete Child'], [0x4, 'List Contents'], [0x8, 'SELF'], [0x10, 'Read Property'],
  [0x20, 'Write Property'], [0x40, 'Delete Treee'], [0x80, 'List Object'], [0x100, 'Control Access'],
  [0x10000, 'DELETE'], [0x20000, 'READ_CONTROL'], [0x40000, 'WRITE_DAC'], [0x80000, 'WRITE_OWNER'], [0x100000, 'SYNCHRONIZE'],
  [0x1000000, 'ADS_RIGHT_ACCESS_SYSTEM_SECURITY'], [0x10000000, 'ADS_RIGHT_GENERIC_ALL'], [0x20000000, 'ADS_RIGHT_GENERIC_EXECUTE'],
  [0x40000000, 'ADS_RIGHT_GENERIC_WRITE'], [0x80000000, 'ADS_RIGHT_GENERIC_READ'],
];

/** `'0x20019'` (or several masks apart, or-ed) → the names of its bits; undefined when none is named or it is not a mask. */
export function accessMaskNames(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  let mask = 0;
  for (const part of value.trim().split(/\s+/)) {
    const p = part.replace(/^%%/, '');
    if (!/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(p)) return undefined;
    mask = (mask | Number(p)) >>> 0;
  }
  const out = ACCESS_MASK_BITS.filter(([bit]) => ((mask & bit) >>> 0) !== 0).map(([, name]) => name);
  return out.length > 0 ? out : undefined;
}

/** `'SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege'` → `['SeSecurityPrivilege', 'SeBackupPrivilege']`. */
export function privilegeList(value: string): string[] {
  return value.split(/\s+/).filter((p) => p !== '');
}

export function enrichSecurityEventData(ed: Obj, code: string): void {
  const uac = uacFlagNames(ed.NewUacValue);
  if (uac) ed.NewUACList = uac;
  const access = accessMaskNames(ed.AccessMask);
  if (access) ed.AccessMaskDescription = access;
  if (PRIVILEGE_LIST_EVENTS.has(code) && typeof ed.PrivilegeList === 'string' && ed.PrivilegeList !== '-') ed.PrivilegeList = privilegeList(ed.PrivilegeList);
}
