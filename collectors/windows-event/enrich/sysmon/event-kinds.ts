/**
 * What each Sysmon event id is, in ECS categorisation terms (`event.category`, `event.type`,
 * `event.action`, and `event.outcome` where the id says it), as Winlogbeat's sysmon module sets them.
 * Sysmon documents the ids; the action names are Winlogbeat's.
 */
export interface SysmonKind { category?: string[]; type: string[]; action: string; outcome?: string }

export const SYSMON_KINDS: Record<string, SysmonKind> = {
  '1': { category: ['process'], type: ['start'], action: 'Process creation' },
  '2': { category: ['file'], type: ['change'], action: 'A process changed a file creation time' },
  '3': { category: ['network'], type: ['start', 'connection', 'protocol'], action: 'Network connection' },
  '4': { category: ['process'], type: ['change'], action: 'Sysmon service state changed' },
  '5': { category: ['process'], type: ['end'], action: 'Process terminated' },
  '6': { category: ['driver'], type: ['start'], action: 'Driver loaded' },
  '7': { category: ['process'], type: ['change'], action: 'Image loaded' },
  '8': { category: ['process'], type: ['change'], action: 'CreateRemoteThread' },
  '9': { category: ['process'], type: ['access'], action: 'RawAccessRead' },
  '10': { category: ['process'], type: ['access'], action: 'ProcessAccess' },
  '11': { category: ['file'], type: ['creation'], action: 'FileCreate' },
  '12': { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Object create and delete)' },
  '13': { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Value Set)' },
  '14': { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Key and Value Rename)' },
  '15': { category: ['file'], type: ['access'], action: 'FileCreateStreamHash' },
  '16': { category: ['configuration'], type: ['change'], action: 'ServiceConfigurationChange' },
  '17': { category: ['file'], type: ['creation'], action: 'PipeEvent (Pipe Created)' },
  '18': { category: ['file'], type: ['access'], action: 'PipeEvent (Pipe Connected)' },
  '19': { category: ['process'], type: ['info'], action: 'WmiEvent (WmiEventFilter activity detected)' },
  '20': { category: ['process'], type: ['change'], action: 'WmiEvent (WmiEventConsumer activity detected)' },
  '21': { category: ['process'], type: ['access'], action: 'WmiEvent (WmiEventConsumerToFilter activity detected)' },
  '22': { category: ['network'], type: ['connection', 'protocol', 'info'], action: 'DNSEvent (DNS query)' },
  '23': { category: ['file'], type: ['deletion'], action: 'FileDelete (File Delete archived)' },
  '24': { type: ['change'], action: 'ClipboardChange (New content in the clipboard)' },
  '25': { category: ['process'], type: ['change'], action: 'ProcessTampering (Process image change)' },
  '26': { category: ['file'], type: ['deletion'], action: 'FileDeleteDetected (File Delete logged)' },
  '27': { category: ['file'], type: ['creation'], action: 'FileBlockExecutable', outcome: 'failure' },
  '28': { category: ['file'], type: ['deletion'], action: 'FileBlockShredding' },
  '29': { category: ['file'], type: ['creation'], action: 'FileExecutableDetected' },
  '255': { category: ['process'], type: [], action: 'Error', outcome: 'failure' },
};
