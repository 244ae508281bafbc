import { expect } from 'chai';
import { windowsEventDoc } from '../../collectors/windows-event/event-mapping';
import { enrichWindowsEvent } from '../../collectors/windows-event/enrich';
import { parseRenderedXml } from '../../collectors/winevt/rendered-xml';
import { normaliseNdjsonLine } from '../../collectors/ndjson/ndjson';
import type { EventDoc } from '../../src/core/event';
import { CTX, comparable, threeWays, type ThreeWays } from '../helpers/windows-three-ways';

// The Security module of the enrichment stage (collectors/windows-event/enrich), on real events of
// ../shared/data/evtx. Each expected value is the one Winlogbeat's security module gives for the field
// (its documentation and the golden files of elastic/beats x-pack/winlogbeat/module/security), worked
// out by hand from the event's own data. Every event is read three ways (.evtx record, wevtutil
// RenderedXml, Winlogbeat NDJSON line), and the three must give the same document.

const get = (doc: EventDoc, path: string): unknown => path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), doc);

function expectFields(doc: EventDoc, fields: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(fields)) expect(get(doc, path), path).to.deep.equal(value);
}

function expectSameEvent(t: ThreeWays): void {
  expect(comparable(t.ndjson), 'NDJSON line vs RenderedXml').to.deep.equal(comparable(t.rendered));
  expect(comparable(t.evtx, false), '.evtx record vs RenderedXml').to.deep.equal(comparable(t.rendered, false));
}

/** The fields every Security event of the Security-Auditing provider gets. */
function common(code: string, task: string, keyword: 'Audit Success' | 'Audit Failure', timeCreated: string): Record<string, unknown> {
  return {
    'event.code': code, 'event.kind': 'event', 'event.module': 'security',
    'event.outcome': keyword === 'Audit Success' ? 'success' : 'failure',
    'host.os.type': 'windows', 'host.os.family': 'windows',
    'winlog.keywords': [keyword], 'winlog.opcode': 'Info', 'winlog.task': task, 'winlog.time_created': timeCreated,
    'log.level': 'information',
  };
}

describe('Windows enrichment: the Security channel, as Winlogbeat\'s security module', () => {
  it('4624 network logon (sliver-security.evtx): the account logged on is the user, the source its address', async () => {
    const t = await threeWays('DeepBlueCLI/sliver-security.evtx', '245062', { message: 'An account was successfully logged on.', task: 'Logon', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('4624', 'Logon', 'Audit Success', '2023-05-18T18:28:23.7036328Z'),
        '@timestamp': '2023-05-18T18:28:23.703Z',
        'event.action': 'logged-in', 'event.category': ['authentication'], 'event.type': ['start'],
        'user.id': 'S-1-5-21-1552841522-3835366585-4197357653-1002', 'user.name': 'fgaeta', 'user.domain': 'VALKYRIE',
        'user.target': undefined,
        'source.ip': '192.168.37.129', 'source.port': 35636,
        'source.domain': undefined, // WorkstationName is "-"
        'winlog.logon.type': 'Network', 'winlog.logon.id': '0x0', // LogonType 3; the subject's session (SubjectLogonId)
        'related.user': ['fgaeta'], // the subject is "-"
        'related.ip': ['192.168.37.129'],
        process: undefined, // ProcessId 0x0, ProcessName "-": no local process
        'winlog.event_data.IpAddress': '192.168.37.129', // the event's own fields stay
      });
    }
    expectSameEvent(t);
  });

  it('4625 failed logon (OpenSSH brute force): reasons in words, the requesting process, no source address', async () => {
    const t = await threeWays('EVTX-to-MITRE-Attack/ID4625-OpenSSH brutforce with non existing users.evtx', '1861987',
      { message: 'An account failed to log on.', task: 'Logon', keywords: ['Audit Failure'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('4625', 'Logon', 'Audit Failure', '2021-05-20T12:49:52.3157891Z'),
        'event.action': 'logon-failed', 'event.category': ['authentication'], 'event.type': ['start'],
        'user.id': 'S-1-0-0', 'user.name': 'NOUSER', 'user.domain': 'FS01',
        'winlog.logon.type': 'NetworkCleartext', 'winlog.logon.id': '0x3e7',
        'winlog.logon.failure.reason': 'Unknown user name or bad password.', // FailureReason %%2313
        'winlog.logon.failure.status': 'This is either due to a bad username or authentication information', // 0xc000006d
        'winlog.logon.failure.sub_status': 'User logon with misspelled or bad user account', // 0xc0000064
        'process.pid': 5848, 'process.executable': 'C:\\Program Files\\OpenSSH-Win64\\sshd.exe', 'process.name': 'sshd.exe',
        'source.domain': 'FS01', 'source.ip': undefined, 'source.port': undefined, // IpAddress and IpPort are "-"
        'related.user': ['NOUSER'], 'related.ip': undefined,
      });
    }
    expectSameEvent(t);
  });

  it('4688 process creation (sliver-security.evtx): the new process, its parent, its arguments', async () => {
    const t = await threeWays('DeepBlueCLI/sliver-security.evtx', '245031', { message: 'A new process has been created.', task: 'Process Creation', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('4688', 'Process Creation', 'Audit Success', '2023-05-18T18:28:20.1725922Z'),
        'event.action': 'created-process', 'event.category': ['process'], 'event.type': ['start'],
        process: {
          executable: 'C:\\Windows\\System32\\wevtutil.exe', name: 'wevtutil.exe', pid: 11748, // NewProcessId 0x2de4
          parent: { executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', name: 'powershell.exe', pid: 6640 }, // ProcessId 0x19f0
          command_line: '"C:\\WINDOWS\\system32\\wevtutil.exe" cl security',
          args: ['"C:\\WINDOWS\\system32\\wevtutil.exe"', 'cl', 'security'],
        },
        user: { id: 'S-1-5-21-1552841522-3835366585-4197357653-1002', name: 'fgaeta', domain: 'VALKYRIE', effective: { id: 'S-1-0-0' } },
        'winlog.logon.id': '0xa17ee',
        'related.user': ['fgaeta'],
      });
    }
    expectSameEvent(t);
  });

  it('4720 user account created (new-user-security.evtx): subject, target account, UAC flag names', async () => {
    const t = await threeWays('DeepBlueCLI/new-user-security.evtx', '112', { message: 'A user account was created.', task: 'User Account Management', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('4720', 'User Account Management', 'Audit Success', '2013-10-23T16:22:39.9735000Z'),
        'event.action': 'added-user-account', 'event.category': ['iam'], 'event.type': ['user', 'creation'],
        user: {
          id: 'S-1-5-18', name: 'WIN-QALA5Q3KJ43$', domain: 'WORKGROUP',
          target: { id: 'S-1-5-21-3463664321-2923530833-3546627382-1000', name: 'IEUser', domain: 'IE8Win7' },
        },
        'related.user': ['WIN-QALA5Q3KJ43$', 'IEUser'],
        'winlog.logon.id': '0x3e7',
        // NewUacValue 0x15: bits 0x1 and 0x10 have names in Winlogbeat's table (0x4 has none)
        'winlog.event_data.NewUACList': ['SCRIPT', 'LOCKOUT'],
      });
    }
    expectSameEvent(t);
  });

  it('4732 member added to a local group (new-user-security.evtx): group.*, no member name when Windows writes "-"', async () => {
    const t = await threeWays('DeepBlueCLI/new-user-security.evtx', '116', { message: 'A member was added to a security-enabled local group.', task: 'Security Group Management', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('4732', 'Security Group Management', 'Audit Success', '2013-10-23T16:22:40.0047500Z'),
        'event.action': 'added-member-to-group', 'event.category': ['iam'], 'event.type': ['group', 'change'],
        group: { id: 'S-1-5-32-544', name: 'Administrators', domain: 'Builtin' },
        user: { id: 'S-1-5-18', name: 'WIN-QALA5Q3KJ43$', domain: 'WORKGROUP' },
        'related.user': ['WIN-QALA5Q3KJ43$'],
      });
    }
    expectSameEvent(t);
  });

  it('1102 audit log cleared (sliver-security.evtx): the subject from UserData, the Eventlog task name', async () => {
    const t = await threeWays('DeepBlueCLI/sliver-security.evtx', '245030', { message: 'The audit log was cleared.', task: 'Log clear', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('1102', 'Log clear', 'Audit Success', '2023-05-18T18:28:20.1779291Z'),
        'event.provider': 'Microsoft-Windows-Eventlog',
        'event.action': 'audit-log-cleared', 'event.category': ['iam'], 'event.type': ['admin', 'change'],
        user: { id: 'S-1-5-21-1552841522-3835366585-4197357653-1002', name: 'fgaeta', domain: 'VALKYRIE' },
        'related.user': ['fgaeta'],
        'winlog.logon.id': '0xa17ee',
      });
    }
    expectSameEvent(t);
  });

  it('4672 special privileges (sliver-security.evtx): PrivilegeList as a list, as Winlogbeat splits it', async () => {
    const t = await threeWays('DeepBlueCLI/sliver-security.evtx', '245061', { message: 'Special privileges assigned to new logon.', task: 'Special Logon', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        ...common('4672', 'Special Logon', 'Audit Success', '2023-05-18T18:28:23.7035579Z'),
        'event.action': 'logged-in-special', 'event.category': ['iam'], 'event.type': ['admin'],
        user: { id: 'S-1-5-21-1552841522-3835366585-4197357653-1002', name: 'fgaeta', domain: 'VALKYRIE' },
        'winlog.logon.id': '0x3e2f51f',
        'winlog.event_data.PrivilegeList': ['SeSecurityPrivilege', 'SeBackupPrivilege', 'SeRestorePrivilege', 'SeTakeOwnershipPrivilege', 'SeDebugPrivilege',
          'SeSystemEnvironmentPrivilege', 'SeLoadDriverPrivilege', 'SeImpersonatePrivilege', 'SeDelegateSessionUserImpersonatePrivilege'],
      });
    }
    expectSameEvent(t);
  });

  it('5140 file share access (sliver-security.evtx): no Winlogbeat action, so the task name; AccessMask by name', async () => {
    const t = await threeWays('DeepBlueCLI/sliver-security.evtx', '245083', { message: 'A network share object was accessed.', task: 'File Share', keywords: ['Audit Success'] });
    for (const doc of [t.evtx, t.rendered, t.ndjson]) {
      expectFields(doc, {
        'event.action': 'File Share', 'event.category': undefined, 'event.module': 'security', 'winlog.task': 'File Share',
        'winlog.event_data.AccessMask': '0x1', 'winlog.event_data.AccessMaskDescription': ['Create Child'],
      });
    }
    expectSameEvent(t);
  });

  it('4740 account locked out: user is the subject, the locked account user.target (no sample holds one: a RenderedXml event written here)', () => {
    // the fields of 4740 as Microsoft documents them; the values are made up
    const xml = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/>` +
      `<EventID>4740</EventID><Version>0</Version><Level>0</Level><Task>13824</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>` +
      `<TimeCreated SystemTime='2025-12-31T23:59:59.999912300Z'/><EventRecordID>90210</EventRecordID><Correlation/><Execution ProcessID='812' ThreadID='3080'/>` +
      `<Channel>Security</Channel><Computer>DC01.corp.example</Computer><Security/></System><EventData>` +
      `<Data Name='TargetUserName'>mallory</Data><Data Name='TargetDomainName'>WS-0042</Data><Data Name='TargetSid'>S-1-5-21-1111111111-2222222222-3333333333-1104</Data>` +
      `<Data Name='SubjectUserSid'>S-1-5-18</Data><Data Name='SubjectUserName'>DC01$</Data><Data Name='SubjectDomainName'>CORP</Data><Data Name='SubjectLogonId'>0x3e7</Data>` +
      `</EventData></Event>`;
    const doc = windowsEventDoc(parseRenderedXml(xml).events[0], CTX);
    expectFields(doc, {
      ...common('4740', 'User Account Management', 'Audit Success', '2025-12-31T23:59:59.9999123Z'),
      '@timestamp': '2025-12-31T23:59:59.999Z', // truncated: never the next year
      'event.action': 'locked-out-user-account', 'event.category': ['iam'], 'event.type': ['user', 'change'],
      user: { id: 'S-1-5-18', name: 'DC01$', domain: 'CORP', target: { id: 'S-1-5-21-1111111111-2222222222-3333333333-1104', name: 'mallory', domain: 'WS-0042' } },
      'related.user': ['DC01$', 'mallory'],
      'winlog.logon.id': '0x3e7',
    });
  });

  it('enriching twice gives the same document; other channels get only the all-channel fields', async () => {
    const t = await threeWays('DeepBlueCLI/sliver-security.evtx', '245062', { message: 'm', task: 'Logon', keywords: ['Audit Success'] });
    const once = JSON.stringify(t.evtx);
    expect(JSON.stringify(enrichWindowsEvent(t.evtx))).to.equal(once);
    const system = enrichWindowsEvent({
      '@timestamp': '2024-01-01T00:00:00.000Z', event: { code: '4624' }, host: { name: 'x' },
      winlog: { channel: 'System', provider_name: 'Service Control Manager', event_id: 7036, keywords: ['0x8080000000000000'], opcode: '0', task: '0', event_data: { TargetUserName: 'bob' } },
    });
    expect(system).to.deep.equal({
      '@timestamp': '2024-01-01T00:00:00.000Z', event: { code: '4624' }, host: { name: 'x', os: { type: 'windows', family: 'windows' } },
      winlog: { channel: 'System', provider_name: 'Service Control Manager', event_id: 7036, keywords: ['Classic'], opcode: 'Info', task: '0', event_data: { TargetUserName: 'bob' } },
    });
  });

  it('an NDJSON line without host or event objects of its own is enriched too (the normaliser\'s shared objects are left alone)', () => {
    // the normaliser gives such lines one frozen host/event object shared with the other lines of the read
    const ctx = { ...CTX, path: '/logs/security.ndjson', offset: 0, dataset: 'windows.security', truncated: false };
    const line = (code: string, user: string) => Buffer.from(JSON.stringify({
      '@timestamp': '2026-02-01T12:00:00.000Z', 'event.code': code, message: 'An account failed to log on.',
      winlog: { channel: 'Security', event_id: code, record_id: '1000', event_data: { TargetUserName: user, LogonType: '3', IpAddress: '10.1.2.3', IpPort: '-' } },
    }));
    const plain = normaliseNdjsonLine(Buffer.from('{"message":"app line"}'), ctx);
    const a = normaliseNdjsonLine(line('4625', 'alice'), ctx) as Record<string, any>;
    expect(a.tags, JSON.stringify(a.error)).to.equal(undefined);
    expectFields(a, {
      'event.action': 'logon-failed', 'event.dataset': 'windows.security', 'event.ingested': CTX.ingested,
      'user.name': 'alice', 'source.ip': '10.1.2.3', 'source.port': undefined, 'winlog.logon.type': 'Network',
      'host.name': CTX.hostName, 'host.os.type': 'windows', 'winlog.event_id': 4625,
      'winlog.time_created': '2026-02-01T12:00:00.0000000Z',
    });
    const b = normaliseNdjsonLine(Buffer.from('{"message":"another app line"}'), ctx) as Record<string, any>;
    expect(b.host).to.deep.equal({ name: CTX.hostName });
    expect(b.event).to.deep.equal({ ingested: CTX.ingested, dataset: 'windows.security' });
    expect(plain.host).to.deep.equal({ name: CTX.hostName });
  });
});
