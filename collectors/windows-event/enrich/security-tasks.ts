/**
 * Task names of the Security channel's providers. Microsoft-Windows-Security-Auditing numbers its tasks
 * by audit subcategory (Microsoft's "Advanced security audit policy" pages document each one): the
 * category in the high byte (0x30 System … 0x38 Account Logon), the subcategory in the low byte.
 */
const CATEGORIES: Array<[number, string[]]> = [
  [12288, ['Security State Change', 'Security System Extension', 'System Integrity', 'IPsec Driver', 'Other System Events']],
  [12544, ['Logon', 'Logoff', 'Account Lockout', 'IPsec Main Mode', 'Special Logon', 'IPsec Quick Mode', 'IPsec Extended Mode',
    'Other Logon/Logoff Events', 'Network Policy Server', 'User / Device Claims', 'Group Membership']],
  [12800, ['File System', 'Registry', 'Kernel Object', 'SAM', 'Other Object Access Events', 'Certification Services', 'Application Generated',
    'Handle Manipulation', 'File Share', 'Filtering Platform Packet Drop', 'Filtering Platform Connection', 'Detailed File Share',
    'Removable Storage', 'Central Policy Staging']],
  [13056, ['Sensitive Privilege Use', 'Non Sensitive Privilege Use', 'Other Privilege Use Events']],
  [13312, ['Process Creation', 'Process Termination', 'DPAPI Activity', 'RPC Events', 'Plug and Play Events', 'Token Right Adjusted Events']],
  [13568, ['Audit Policy Change', 'Authentication Policy Change', 'Authorization Policy Change', 'MPSSVC Rule-Level Policy Change',
    'Filtering Platform Policy Change', 'Other Policy Change Events']],
  [13824, ['User Account Management', 'Computer Account Management', 'Security Group Management', 'Distribution Group Management',
    'Application Group Management', 'Other Account Management Events']],
  [14080, ['Directory Service Access', 'Directory Service Changes', 'Directory Service Replication', 'Detailed Directory Service Replication']],
  [14336, ['Credential Validation', 'Kerberos Service Ticket Operations', 'Other Account Logon Events', 'Kerberos Authentication Service']],
];

const AUDITING_TASKS = new Map<string, string>();
for (const [first, names] of CATEGORIES) names.forEach((name, i) => AUDITING_TASKS.set(String(first + i), name));

/** Tasks of Microsoft-Windows-Eventlog events in the Security channel (1102: the audit log was cleared). */
const EVENTLOG_TASKS = new Map<string, string>([['104', 'Log clear']]);

/** The task name for a numeric task of the Security channel's providers, or undefined. */
export function securityTaskName(provider: string, task: string): string | undefined {
  if (provider === 'Microsoft-Windows-Security-Auditing') return AUDITING_TASKS.get(task);
  if (provider === 'Microsoft-Windows-Eventlog') return EVENTLOG_TASKS.get(task);
  return undefined;
}
