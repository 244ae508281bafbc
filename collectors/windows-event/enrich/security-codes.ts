/**
 * The codes of Security events that Winlogbeat's security module turns into words (Microsoft documents
 * each table on the page of the event that uses it: 4624 for logon types, 4625 and 4776 for the failure
 * status codes, 4720 and 4738 for the user-account-control flags).
 */

/** LogonType → `winlog.logon.type`. */
const LOGON_TYPES: Record<string, string> = {
  2: 'Interactive', 3: 'Network', 4: 'Batch', 5: 'Service', 7: 'Unlock', 8: 'NetworkCleartext',
  9: 'NewCredentials', 10: 'RemoteInteractive', 11: 'CachedInteractive',
};

export function logonTypeName(value: unknown): string | undefined {
  return typeof value === 'string' ? LOGON_TYPES[value.trim()] : undefined;
}

/** NTSTATUS of a failed logon (Status, SubStatus of 4625 and 4776) → `winlog.logon.failure.status` / `.sub_status`. */
const LOGON_STATUS: Record<string, string> = {
  '0x0': 'Status OK.',
  '0xc000005e': 'There are currently no logon servers available to service the logon request.',
  '0xc0000064': 'User logon with misspelled or bad user account',
  '0xc000006a': 'User logon with misspelled or bad password',
  '0xc000006d': 'This is either due to a bad username or authentication information',
  '0xc000006e': 'Unknown user name or bad password.',
  '0xc000006f': 'User logon outside authorized hours',
  '0xc0000070': 'User logon from unauthorized workstation',
  '0xc0000071': 'User logon with expired password',
  '0xc0000072': 'User logon to account disabled by administrator',
  '0xc00000dc': 'Indicates the Sam Server was in the wrong state to perform the desired operation.',
  '0xc0000133': 'Clocks between DC and other computer too far out of sync',
  '0xc000015b': 'The user has not been granted the requested logon type (aka logon right) at this machine',
  '0xc000018c': 'The logon request failed because the trust relationship between the primary domain and the trusted domain failed.',
  '0xc0000192': 'An attempt was made to logon, but the Netlogon service was not started.',
  '0xc0000193': 'User logon with expired account',
  '0xc0000224': 'User is required to change password at next logon',
  '0xc0000225': 'Evidently a bug in Windows and not a risk',
  '0xc0000234': 'User logon with account locked',
  '0xc00002ee': 'Failure Reason: An Error occurred during Logon',
  '0xc0000371': 'The local account store does not contain secret material for the specified account',
  '0xc0000413': 'Logon Failure: The machine you are logging onto is protected by an authentication firewall. The specified account is not allowed to authenticate to the machine.',
};

export function logonStatusText(value: unknown): string | undefined {
  return typeof value === 'string' ? LOGON_STATUS[value.trim().toLowerCase()] : undefined;
}

/** FailureReason (`%%2313`: a string of the auditing message table) → `winlog.logon.failure.reason`. */
const FAILURE_REASONS: Record<string, string> = {
  2304: 'An Error occured during Logon.',
  2305: 'The specified user account has expired.',
  2306: 'The NetLogon component is not active.',
  2307: 'Account locked out.',
  2308: 'The user has not been granted the requested logon type at this machine.',
  2309: "The specified account's password has expired.",
  2310: 'Account currently disabled.',
  2311: 'Account logon time restriction violation.',
  2312: 'User not allowed to logon at this computer.',
  2313: 'Unknown user name or bad password.',
  2314: 'Domain sid inconsistent.',
  2315: 'Smartcard logon is required and was not used.',
};

export function failureReasonText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^%%(\d+)$/.exec(value.trim());
  return m ? FAILURE_REASONS[m[1]] : undefined;
}

/** userAccountControl bits → names (NewUacValue of 4720, 4738, 4741, 4742) → `winlog.event_data.NewUACList`. */
const UAC_FLAGS: Array<[number, string]> = [
  [0x1, 'SCRIPT'], [0x2, 'ACCOUNTDISABLE'], [0x8, 'HOMEDIR_REQUIRED'], [0x10, 'LOCKOUT'], [0x20, 'PASSWD_NOTREQD'],
  [0x40, 'PASSWD_CANT_CHANGE'], [0x80, 'ENCRYPTED_TEXT_PWD_ALLOWED'], [0x100, 'TEMP_DUPLICATE_ACCOUNT'], [0x200, 'NORMAL_ACCOUNT'],
  [0x800, 'INTERDOMAIN_TRUST_ACCOUNT'], [0x1000, 'WORKSTATION_TRUST_ACCOUNT'], [0x2000, 'SERVER_TRUST_ACCOUNT'],
  [0x10000, 'DONT_EXPIRE_PASSWORD'], [0x20000, 'MNS_LOGON_ACCOUNT'], [0x40000, 'SMARTCARD_REQUIRED'], [0x80000, 'TRUSTED_FOR_DELEGATION'],
  [0x100000, 'NOT_DELEGATED'], [0x200000, 'USE_DES_KEY_ONLY'], [0x400000, 'DONT_REQ_PREAUTH'], [0x800000, 'PASSWORD_EXPIRED'],
  [0x1000000, 'TRUSTED_TO_AUTH_FOR_DELEGATION'], [0x4000000, 'PARTIAL_SECRETS_ACCOUNT'],
];

/** `'0x15'` → `['SCRIPT', 'LOCKOUT', 'PASSWD_NOTREQD']`; undefined when no known flag is set or the value is not a number. */
export function uacFlagNames(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || !/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(value.trim())) return undefined;
  const v = Number(value.trim());
  const out = UAC_FLAGS.filter(([bit]) => (v & bit) !== 0).map(([, name]) => name);
  return out.length > 0 ? out : undefined;
}
