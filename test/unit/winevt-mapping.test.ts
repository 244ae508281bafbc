import { expect } from 'chai';
import { parseEventIdFilter } from '../../collectors/windows-event/event-id-filter';
import { windowsEventDoc, windowsDocId, windowsTimestamp } from '../../collectors/windows-event/event-mapping';
import { parseRenderedXml, parseEventXml } from '../../collectors/winevt/rendered-xml';
import { buildQueries, MAX_EVENT_ID_CLAUSES } from '../../collectors/winevt/xpath-query';
import { byId, evtxEvents, served } from '../helpers/winevt-events';

// The winevt input's event mapping, RenderedXml parsing and XPath queries, in process
// (the wevtutil stand-in and the live collector are test/integration/winevt-collector.test.ts).

let security: string[] = [];
let sysmon: string[] = [];
let cleared: string[] = [];
before(async () => {
  [security, sysmon, cleared] = await Promise.all([
    evtxEvents('omerbenamram-evtx/security.evtx'),
    evtxEvents('omerbenamram-evtx/sysmon.evtx'),
    evtxEvents('EVTX-to-MITRE-Attack/ID104-1102-Event log cleared.evtx'),
  ]);
});

describe('winevt: event mapping (shared with the .evtx reader)', () => {
  const ctx = { hostName: 'collector-host', ingested: '2024-05-01T10:00:00.000Z' };

  it('maps a 4624 logon to the Winlogbeat fields', () => {
    const raw = byId(security, 4624)[0];
    const ev = served(raw, 4242, { message: 'An account was successfully logged on.', keywords: ['Audit Success'], task: 'Logon' });
    const doc = windowsEventDoc(parseEventXml(ev.xml), ctx);
    const w = doc.winlog as Record<string, any>;
    expect(w.channel).to.equal('Security');
    expect(w.provider_name).to.equal('Microsoft-Windows-Security-Auditing');
    expect(w.provider_guid).to.equal('{54849625-5478-4994-a5ba-3e3b0328c30d}');
    expect(w.event_id).to.equal(4624);
    expect(w.record_id).to.equal('4242');
    expect(w.computer_name).to.equal('37L4247F27-25');
    expect(w.process).to.deep.equal({ pid: 456, thread: { id: 460 } });
    expect(w.keywords).to.deep.equal(['Audit Success']);
    expect(w.opcode).to.equal('Info');
    expect(w.task).to.equal('Logon');
    expect(w.version).to.equal(0);
    expect(w.user).to.equal(undefined); // empty UserID
    expect(w.event_data.TargetUserName).to.equal('SYSTEM');
    expect(w.event_data.TargetUserSid).to.equal('S-1-5-18');
    expect(w.event_data.LogonType).to.equal('0');
    expect(w.event_data.ProcessName).to.equal('');
    expect(doc['@timestamp']).to.equal('2016-07-08T18:12:51.681Z');
    expect(doc.message).to.equal('An account was successfully logged on.');
    expect(doc.log).to.deep.equal({ level: 'information' });
    // host.os from the enrichment stage (collectors/windows-event/enrich), as Winlogbeat sets it
    expect(doc.host).to.deep.equal({ name: '37L4247F27-25', os: { type: 'windows', family: 'windows' } });
    expect(doc.agent).to.deep.equal({ type: 'vigil' });
    const e = doc.event as Record<string, unknown>;
    expect(e.kind).to.equal('event');
    expect(e.code).to.equal('4624');
    expect(e.provider).to.equal('Microsoft-Windows-Security-Auditing');
    expect(e.outcome).to.equal('success');
    expect(e.dataset).to.equal('winlog.security');
    expect(e.ingested).to.equal(ctx.ingested);
    // the id: deterministic, from computer, channel, record id, time
    expect(windowsDocId(doc)).to.equal(windowsDocId(windowsEventDoc(parseEventXml(ev.xml), { ...ctx, ingested: 'later' })));
    expect(windowsDocId(doc)).to.not.equal(windowsDocId(windowsEventDoc(parseEventXml(served(raw, 4243).xml), ctx)));
  });

  it('maps a Sysmon process creation, keywords as hex without RenderingInfo', () => {
    const raw = sysmon[0];
    const doc = windowsEventDoc(parseEventXml(raw), { ...ctx, dataset: 'windows.sysmon_operational' });
    const w = doc.winlog as Record<string, any>;
    expect(w.channel).to.equal('Microsoft-Windows-Sysmon/Operational');
    expect(w.event_id).to.equal(1);
    expect(w.version).to.equal(5);
    expect(w.user).to.deep.equal({ identifier: 'S-1-5-18' });
    expect(w.keywords).to.deep.equal(['0x8000000000000000']);
    expect(w.opcode).to.equal('Info'); // the standard opcode 0, named as Windows renders it
    expect(w.task).to.equal('1'); // Sysmon's own task numbers are not named here
    expect(w.process).to.deep.equal({ pid: 2284, thread: { id: 5252 } });
    expect(w.event_data.Image).to.equal('C:\\Windows\\SysWOW64\\PING.EXE');
    expect(w.event_data.CommandLine).to.equal('ping  -n 6 127.0.0.1 '); // spaces kept
    expect(doc.log).to.deep.equal({ level: 'information' });
    expect(doc.message).to.equal(undefined);
    expect(doc['@timestamp']).to.equal('2017-12-26T13:10:29.136Z');
    expect((doc.event as Record<string, unknown>).dataset).to.equal('windows.sysmon_operational');
    expect(windowsEventDoc(parseEventXml(raw), ctx).event).to.have.property('dataset', 'winlog.microsoft_windows_sysmon_operational');
  });

  it('maps UserData as a nested object, unnamed Data as param1…, and the levels', () => {
    const doc = windowsEventDoc(parseEventXml(cleared[0]), ctx);
    expect((doc.winlog as any).user_data).to.deep.equal({
      xml_name: 'LogFileCleared', SubjectUserName: 'admmig', SubjectDomainName: 'OFFSEC', Channel: 'System', BackupPath: '',
    });
    const xml = (level: number) => `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Old'/><EventID Qualifiers='16384'>7036</EventID>` +
      `<Level>${level}</Level><TimeCreated SystemTime='2024-03-01T08:09:10.1234567Z'/><EventRecordID>9</EventRecordID><Channel>System</Channel><Computer>PC1</Computer></System>` +
      `<EventData><Data>Windows Update</Data><Data>running</Data></EventData></Event>`;
    const d = windowsEventDoc(parseEventXml(xml(2)), ctx);
    expect((d.winlog as any).event_data).to.deep.equal({ param1: 'Windows Update', param2: 'running' });
    expect(d['@timestamp']).to.equal('2024-03-01T08:09:10.123Z');
    const levels = [0, 1, 2, 3, 4, 5].map((l) => (windowsEventDoc(parseEventXml(xml(l)), ctx).log as { level: string }).level);
    expect(levels).to.deep.equal(['information', 'critical', 'error', 'warning', 'information', 'verbose']);
    expect(windowsTimestamp('2016-07-08 18:12:51.681641')).to.equal('2016-07-08T18:12:51.681Z');
  });

  it('reads canonical times without Date as Date.parse reads them (its fast path), days past a month\'s end included', () => {
    // what Date.parse makes of the time to the millisecond: the definition the fast path must keep
    const reference = (t: string): string | undefined => {
      const frac = t.slice(20, -1);
      const ms = Date.parse(`${t.slice(0, 19)}.${(frac + '000').slice(0, 3)}Z`);
      return frac === '' ? undefined : Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
    };
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const two = (n: number) => String(n).padStart(2, '0');
    const cases = ['2016-02-29T23:59:59.9999999Z', '2015-02-29T10:00:00.5Z', '1900-02-29T00:00:00.12Z', '2000-02-29T00:00:00.1234Z',
      '2016-07-08T18:12:51.Z', '2016-07-08T24:00:00.0Z', '2016-07-08T18:60:00.0Z', '2016-07-08T18:12:60.0Z', '0000-01-01T00:00:00.000Z',
      '2016-13-01T00:00:00.0Z', '2016-00-10T00:00:00.0Z', '2016-04-31T00:00:00.0Z', '2016-07-08T18:12:51.1a2Z'];
    for (let i = 0; i < 3000; i++) {
      const frac = String(rnd(10 ** (1 + rnd(9)))).padStart(1 + rnd(8), '0');
      cases.push(`${String(1600 + rnd(800)).padStart(4, '0')}-${two(rnd(14))}-${two(rnd(33))}T${two(rnd(25))}:${two(rnd(61))}:${two(rnd(61))}.${frac}Z`);
    }
    for (const t of cases) expect(windowsTimestamp(t), t).to.equal(reference(t));
    expect(windowsTimestamp('2016-07-08T18:12:51.5+02:00')).to.equal('2016-07-08T16:12:51.500Z');
    expect(windowsTimestamp('2016-07-08T18:12:51.12 Z')).to.equal('2016-07-08T18:12:51.120Z');
  });
});

describe('winevt: RenderedXml parsing', () => {
  it('reads a sequence of events with BOM and CRLF, unescapes, and drops a truncated last event', () => {
    const a = served(byId(security, 4624)[0], 1, { message: 'a < b & "c" \'d\' — café' });
    const b = served(byId(security, 4672)[0], 2);
    const text = '\uFEFF' + a.xml + '\r\n' + b.xml + '\r\n' + b.xml.slice(0, 300);
    const res = parseRenderedXml(Buffer.from(text, 'utf8'));
    expect(res.events).to.have.length(2);
    expect(res.truncated).to.equal(true);
    expect(windowsEventDoc(res.events[0], { hostName: 'h', ingested: 'x' }).message).to.equal('a < b & "c" \'d\' — café');
    const utf16 = parseRenderedXml(Buffer.from(a.xml + '\r\n' + b.xml, 'utf16le'));
    expect(utf16.events.map((e) => e.name)).to.deep.equal(['Event', 'Event']);
    expect(utf16.truncated).to.equal(false);
    const bad = parseRenderedXml(a.xml + '<Event xmlns="x"><System><EventID>1</Oops></System></Event>' + b.xml);
    expect(bad.events).to.have.length(2);
    expect(bad.malformed).to.equal(1);
  });
});

describe('winevt: XPath query builder', () => {
  it('compiles includes, ranges and excludes with the resume condition', () => {
    const { queries } = buildQueries({ eventIds: parseEventIdFilter('4624, 4700-4800, -4735'), afterRecordId: 123 });
    expect(queries).to.deep.equal(['*[System[(EventID=4624 or (EventID >= 4700 and EventID <= 4800)) and not (EventID=4735) and EventRecordID > 123]]']);
  });

  it('adds levels, providers, ignore_older and the upper bound; no filter is *', () => {
    const { queries } = buildQueries({ levels: [1, 2], providers: ["O'Brien Service", 'Microsoft-Windows-Sysmon'], ignoreOlderMs: 3600000, upToRecordId: 99 });
    expect(queries).to.deep.equal([`*[System[(Level=1 or Level=2) and Provider[@Name="O'Brien Service" or @Name='Microsoft-Windows-Sysmon'] and TimeCreated[timediff(@SystemTime) <= 3600000] and EventRecordID <= 99]]`]);
    expect(buildQueries({}).queries).to.deep.equal(['*']);
  });

  it('splits when the event-id clauses exceed the Windows limit, keeping excludes in each query', () => {
    const ids = Array.from({ length: 40 }, (_, i) => 1000 + i * 2); // 40 separate ids
    const { queries, excludesInQuery } = buildQueries({ eventIds: parseEventIdFilter(ids.join(', ') + ', -1010'), afterRecordId: 5 });
    expect(excludesInQuery).to.equal(true);
    expect(queries.length).to.equal(2);
    for (const q of queries) {
      expect((q.match(/EventID/g) ?? []).length).to.be.at.most(MAX_EVENT_ID_CLAUSES);
      expect(q).to.contain('not (EventID=1010)');
      expect(q).to.contain('EventRecordID > 5');
    }
    const inQueries = queries.join(' ').match(/EventID=(\d+)/g)!.map((m) => Number(m.slice(8))).filter((n) => n !== 1010);
    expect(inQueries.sort((a, b) => a - b)).to.deep.equal(ids.filter((n) => n !== 1010));
    // adjacent ids merge into ranges; too many excludes are left to the collector
    expect(buildQueries({ eventIds: parseEventIdFilter('4624, 4625, 4626') }).queries[0]).to.equal('*[System[((EventID >= 4624 and EventID <= 4626))]]');
    const many = Array.from({ length: 30 }, (_, i) => `-${2000 + i * 2}`).join(', ');
    const r = buildQueries({ eventIds: parseEventIdFilter('4624, ' + many) });
    expect(r.excludesInQuery).to.equal(false);
    expect(r.queries).to.deep.equal(['*[System[(EventID=4624)]]']);
  });
});
