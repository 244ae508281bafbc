import { expect } from 'chai';
import { readFileSync, writeFileSync, mkdirSync, chmodSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRegistry } from '../src/core/checkpoints/registry';
import { AckTracker } from '../src/core/checkpoints/ack-tracker';
import { Metrics } from '../src/core/metrics';
import { parseEventIdFilter } from '../collectors/windows-event/event-id-filter';
import type { Span, PipelineEvent } from '../src/core/event';
import type { WinevtInputConfig, WinevtChannelConfig } from '../src/runtime/config/types';
import { WinevtCollector } from '../collectors/winevt/winevt-collector';
import { windowsEventDoc, windowsDocId, windowsTimestamp } from '../collectors/windows-event/event-mapping';
import { parseRenderedXml, parseEventXml } from '../collectors/winevt/rendered-xml';
import { buildQueries, MAX_EVENT_ID_CLAUSES } from '../collectors/winevt/xpath-query';
import { queryEvents, logInfo, WevtutilError } from '../collectors/winevt/wevtutil';
import { readEvtx } from '../collectors/evtx';
import { tempDir } from './helpers/temp-dir';
import { waitFor } from './helpers/wait';
import { captureLogger, type LogLine } from './helpers/logger';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'evtx');
const STAND_IN = join(__dirname, '..', '..', 'test', 'fixtures', 'winevt', 'wevtutil.js');

// ---------- real events from ../shared/data/evtx, decoded by Vigil's .evtx reader and made to look like wevtutil's RenderedXml ----------

/** The Event XML of every record of a real .evtx file, as Vigil's reader renders it. */
async function evtxEvents(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const rec of readEvtx(join(DATA, file))) out.push(rec.xml());
  return out;
}

const field = (xml: string, re: RegExp): string => (re.exec(xml) ?? [])[1] ?? '';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

interface ServedEvent { recordId: number; eventId: number; level: number; provider: string; systemTime: string; xml: string }

/**
 * A decoded event with a new record id (and time), in wevtutil's RenderedXml form: attributes in single
 * quotes and a RenderingInfo element with the message and the display names Windows adds.
 */
function served(raw: string, recordId: number, opts: { message?: string; systemTime?: string; keywords?: string[]; task?: string } = {}): ServedEvent {
  let xml = raw.replace(/<EventRecordID>\d+<\/EventRecordID>/, `<EventRecordID>${recordId}</EventRecordID>`);
  const systemTime = opts.systemTime ?? field(xml, /SystemTime="([^"]*)"/);
  xml = xml.replace(/SystemTime="[^"]*"/, `SystemTime="${systemTime}"`);
  const eventId = Number(field(xml, /<EventID[^>]*>(\d+)</));
  const level = Number(field(xml, /<Level>(\d+)</));
  const provider = field(xml, /<Provider Name="([^"]*)"/);
  const channel = field(xml, /<Channel>([^<]*)</);
  const message = opts.message ?? `Event ${eventId} from ${provider}.`;
  const kw = (opts.keywords ?? []).map((k) => `<Keyword>${esc(k)}</Keyword>`).join('');
  const rendering = `<RenderingInfo Culture="en-US"><Message>${esc(message)}</Message><Level>Information</Level>` +
    `<Task>${esc(opts.task ?? '')}</Task><Opcode>Info</Opcode><Channel>${esc(channel)}</Channel><Provider>${esc(provider)}</Provider>` +
    `<Keywords>${kw}</Keywords></RenderingInfo>`;
  xml = xml.replace(/<\/Event>$/, `${rendering}</Event>`);
  // the reader writes attributes in double quotes (a quote inside is &quot;); wevtutil uses single quotes
  xml = xml.replace(/(<[^<>]*>)/g, (tag) => tag.replace(/="([^"]*)"/g, (_m, v: string) => `='${v.replace(/&quot;/g, '"').replace(/'/g, '&apos;')}'`));
  return { recordId, eventId, level, provider, systemTime, xml };
}

let security: string[] = [];
let sysmon: string[] = [];
let cleared: string[] = [];
let system: string[] = [];
let pythonEvtxSystem: string[] = [];
before(async () => {
  [security, sysmon, cleared, system, pythonEvtxSystem] = await Promise.all([
    evtxEvents('omerbenamram-evtx/security.evtx'),
    evtxEvents('omerbenamram-evtx/sysmon.evtx'),
    evtxEvents('EVTX-to-MITRE-Attack/ID104-1102-Event log cleared.evtx'),
    evtxEvents('omerbenamram-evtx/system.evtx'),
    evtxEvents('python-evtx/system.evtx'),
  ]);
});
const byId = (list: string[], id: number): string[] => list.filter((x) => new RegExp(`<EventID[^>]*>${id}<`).test(x));

/** A Security channel of `n` real events, record ids from `first`, taken from the file in order. */
function securityChannel(n: number, first = 1, skip = 0): ServedEvent[] {
  return security.slice(skip, skip + n).map((raw, i) => served(raw, first + i));
}

// ---------- the stand-in and the collector harness ----------

interface World { dir: string; path: string; cleanup: () => void }

function world(): World {
  const t = tempDir('winevt');
  mkdirSync(join(t.path, 'bin', 'channels'), { recursive: true });
  const path = join(t.path, 'bin', 'wevtutil');
  copyFileSync(STAND_IN, path);
  chmodSync(path, 0o755);
  return { dir: t.path, path, cleanup: t.cleanup };
}

function setChannel(w: World, name: string, ch: { status?: 'ok' | 'missing' | 'denied'; events?: ServedEvent[] }): void {
  writeFileSync(join(w.dir, 'bin', 'channels', `${encodeURIComponent(name)}.json`), JSON.stringify({ status: ch.status ?? 'ok', events: ch.events ?? [] }));
}

function calls(w: World): string[][] {
  const p = join(w.dir, 'bin', 'calls.log');
  return existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
}

interface Harness {
  collector: WinevtCollector;
  registry: CheckpointRegistry;
  tracker: AckTracker;
  received: PipelineEvent[];
  acked: PipelineEvent[];
  held: Span[];
  lines: LogLine[];
  full: { value: boolean };
  release: () => void;
}

function harness(w: World, channels: WinevtChannelConfig[], opts: { batch?: number; hold?: boolean } = {}): Harness {
  const registry = new CheckpointRegistry(join(w.dir, 'state'));
  registry.load();
  const tracker = new AckTracker(registry);
  const received: PipelineEvent[] = [];
  const acked: PipelineEvent[] = [];
  const held: Span[] = [];
  const full = { value: false };
  const { log, lines } = captureLogger();
  const ack = (b: Span): void => { acked.push(...b.events); b.pending = 0; tracker.ack(b); };
  const cfg: WinevtInputConfig = { type: 'winevt', id: 'win', channels, wevtutil_path: w.path, poll_interval_ms: 20, batch_size: opts.batch ?? 50 };
  const collector = new WinevtCollector(cfg, {
    registry, tracker, log, metrics: new Metrics(), hostName: 'vigil-test', errorRetryMs: 100,
    isFull: () => full.value,
    submit: async (b) => {
      tracker.issue(b);
      b.pending = 1;
      received.push(...b.events);
      if (opts.hold) held.push(b); else ack(b);
    },
  });
  return { collector, registry, tracker, received, acked, held, lines, full, release: () => { for (const b of held.splice(0)) ack(b); } };
}

const recordIds = (evs: PipelineEvent[]): number[] => evs.map((e) => Number((e.doc.winlog as { record_id: string }).record_id));
const eventIds = (evs: PipelineEvent[]): number[] => evs.map((e) => (e.doc.winlog as { event_id: number }).event_id);

// ======================================================================================

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
    expect(doc.host).to.deep.equal({ name: '37L4247F27-25' });
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
    expect(w.opcode).to.equal('0');
    expect(w.task).to.equal('1');
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

describe('winevt: wevtutil stand-in and error classification', () => {
  let w: World;
  beforeEach(() => { w = world(); });
  afterEach(() => w.cleanup());

  it('answers qe with the real argument syntax and classifies missing channel and access denied', async () => {
    setChannel(w, 'Security', { events: securityChannel(5) });
    const opts = { path: w.path, timeoutMs: 10000 };
    const out = parseRenderedXml(await queryEvents(opts, 'Security', '*[System[EventRecordID > 2]]', 2));
    expect(out.events.map((e) => windowsEventDoc(e, { hostName: 'h', ingested: 'x' }).winlog)).to.have.length(2);
    expect(calls(w)[0]).to.deep.equal(['qe', 'Security', '/q:*[System[EventRecordID > 2]]', '/f:RenderedXml', '/c:2', '/rd:false', '/uni:true']);
    expect(await logInfo(opts, 'Security')).to.deep.equal({ records: 5, oldest: 1 });

    let err = await queryEvents(opts, 'Nope/Operational', '*', 1).catch((e: unknown) => e) as WevtutilError;
    expect(err).to.be.instanceOf(WevtutilError);
    expect(err.kind).to.equal('channel_not_found');
    expect(err.message).to.contain('"Nope/Operational" does not exist');

    setChannel(w, 'Security', { status: 'denied' });
    err = await queryEvents(opts, 'Security', '*', 1).catch((e: unknown) => e) as WevtutilError;
    expect(err.kind).to.equal('access_denied');
    expect(err.exitCode).to.equal(5);
    expect(err.message).to.contain('SeSecurityPrivilege').and.contain('Event Log Readers');

    err = await queryEvents({ path: join(w.dir, 'no-such-wevtutil'), timeoutMs: 1000 }, 'System', '*', 1).catch((e: unknown) => e) as WevtutilError;
    expect(err.kind).to.equal('no_executable');
  });
});

describe('winevt: live collector', function () {
  this.timeout(60000);
  let w: World;
  let h: Harness | null;
  beforeEach(() => { w = world(); h = null; });
  afterEach(async () => { if (h) await h.collector.stop(); w.cleanup(); });

  it('applies event-id include ranges and excludes (and levels, providers, ignore_older)', async () => {
    const chosen = [4608, 4624, 4672, 4735, 4738, 4902, 4648, 4731, 4624, 4907, 4735, 4732].map((id, i) => byId(security, id)[i % 2]);
    const recent = new Date(Date.now() - 60_000).toISOString().replace('Z', '0000Z');
    const events = chosen.map((raw, i) => served(raw, 100 + i, i >= 10 ? { systemTime: recent } : {}));
    setChannel(w, 'Security', { events });
    const sys = system.slice(0, 40).map((raw, i) => served(raw, i + 1));
    setChannel(w, 'System', { events: sys });
    h = harness(w, [
      { name: 'Security', event_ids: '4624, 4700-4800, -4735' },
      { name: 'System', levels: ['error', 'warning'] },
    ]);
    const expectSec = events.filter((e) => (e.eventId === 4624 || (e.eventId >= 4700 && e.eventId <= 4800)) && e.eventId !== 4735).map((e) => e.recordId);
    const expectSys = sys.filter((e) => e.level === 2 || e.level === 3).map((e) => e.recordId);
    expect(expectSys.length).to.be.greaterThan(0);
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 112 && h!.registry.get('winevt:System')?.offset === 41, 10000, 'both channels read');
    const sec = h.received.filter((e) => (e.doc.winlog as any).channel === 'Security');
    const sy = h.received.filter((e) => (e.doc.winlog as any).channel === 'System');
    expect(recordIds(sec)).to.deep.equal(expectSec);
    expect(eventIds(sec)).to.not.include(4735);
    expect(recordIds(sy)).to.deep.equal(expectSys);
    const q = calls(w).find((a) => a[0] === 'qe' && a[1] === 'Security')!;
    expect(q[2]).to.equal('/q:*[System[(EventID=4624 or (EventID >= 4700 and EventID <= 4800)) and not (EventID=4735) and EventRecordID > 99 and EventRecordID <= 111]]');
    expect(q.slice(3)).to.deep.equal(['/f:RenderedXml', '/c:50', '/rd:false', '/uni:true']);
    await h.collector.stop();

    // providers and ignore_older (only the two recent events pass), and a query split over 25 ids
    const w2 = world();
    try {
      setChannel(w2, 'Security', { events });
      setChannel(w2, 'ForwardedEvents', { events });
      const ids25 = Array.from({ length: 24 }, (_, i) => 3000 + i * 3).join(', ') + ', 4735';
      const h2 = harness(w2, [
        { name: 'Security', providers: ['Microsoft-Windows-Security-Auditing'], ignore_older_ms: 3_600_000 },
        { name: 'ForwardedEvents', event_ids: ids25 },
      ]);
      h2.collector.start();
      await waitFor(() => h2.registry.get('winevt:Security')?.offset === 112 && h2.registry.get('winevt:ForwardedEvents')?.offset === 112, 10000, 'read');
      await h2.collector.stop();
      const of = (src: string): PipelineEvent[] => h2.received.filter((e) => e.span.source === src);
      expect(recordIds(of('winevt:Security'))).to.deep.equal(events.filter((e) => e.systemTime === recent).map((e) => e.recordId));
      expect(recordIds(of('winevt:ForwardedEvents'))).to.deep.equal(events.filter((e) => e.eventId === 4735).map((e) => e.recordId));
      const qs = calls(w2).filter((a) => a[0] === 'qe');
      expect(qs.some((a) => a[2].includes("Provider[@Name='Microsoft-Windows-Security-Auditing'] and TimeCreated[timediff(@SystemTime) <= 3600000]"))).to.equal(true);
      const fwd = qs.filter((a) => a[1] === 'ForwardedEvents').map((a) => a[2]);
      expect(fwd).to.have.length(2); // 25 ids: two queries, merged by record id
      for (const q of fwd) expect((q.match(/EventID/g) ?? []).length).to.be.at.most(MAX_EVENT_ID_CLAUSES);
    } finally { w2.cleanup(); }
  });

  it('merges split queries by record id when batches are full (nothing skipped, nothing twice)', async () => {
    const events = securityChannel(60, 1);
    setChannel(w, 'Security', { events });
    const filler = Array.from({ length: 20 }, (_, i) => 1 + i * 2).join(', ');
    h = harness(w, [{ name: 'Security', event_ids: `${filler}, 4608, 4624, 4672` }], { batch: 3 });
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 61, 10000, 'all read');
    const want = events.filter((e) => [4608, 4624, 4672].includes(e.eventId)).map((e) => e.recordId);
    expect(want.length).to.be.greaterThan(6);
    expect(recordIds(h.received)).to.deep.equal(want);
    expect(new Set(calls(w).filter((a) => a[0] === 'qe').map((a) => a[2].replace(/ and EventRecordID.*$/, ''))).size).to.equal(2);
  });

  it('resumes after a restart from the acknowledged record id: no loss, no duplicates', async () => {
    setChannel(w, 'Security', { events: securityChannel(30, 501) });
    // run 1: batches of 7; the first two are acknowledged, the rest are held (a sink down) when it stops
    h = harness(w, [{ name: 'Security' }], { batch: 7, hold: true });
    h.collector.start();
    await waitFor(() => h!.held.length >= 3, 10000, 'three spans');
    h.full.value = true; // sinks "full": no new batch
    await new Promise((r) => setTimeout(r, 300));
    const ackedNow = h.held.splice(0, 2);
    for (const b of ackedNow) { h.acked.push(...b.events); b.pending = 0; h.tracker.ack(b); }
    const callsBefore = calls(w).length;
    await new Promise((r) => setTimeout(r, 200));
    expect(calls(w).length).to.equal(callsBefore); // backpressure: no new batch while full
    await h.collector.stop();
    const run1Acked = h.acked.map((e) => e.id);
    expect(recordIds(h.acked)).to.deep.equal(Array.from({ length: 14 }, (_, i) => 501 + i));
    expect(h.registry.get('winevt:Security')!.offset).to.equal(515);
    const run1Unacked = h.received.filter((e) => !run1Acked.includes(e.id)).map((e) => e.id);
    h.registry.commitSync();

    // more events arrive while Vigil is down
    setChannel(w, 'Security', { events: securityChannel(40, 501) });
    h = harness(w, [{ name: 'Security' }], { batch: 7 });
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 541, 10000, 'all read after restart');
    const run2 = h.acked.map((e) => e.id);
    expect(run2.filter((id) => run1Acked.includes(id))).to.deep.equal([]); // nothing acknowledged is read again
    expect(new Set(run2).size).to.equal(run2.length);
    expect(recordIds(h.acked)).to.deep.equal(Array.from({ length: 26 }, (_, i) => 515 + i));
    expect(run1Unacked.every((id) => run2.includes(id))).to.equal(true); // unacknowledged ones come again with the same ids
    expect(new Set([...run1Acked, ...run2]).size).to.equal(40);
  });

  it('detects a cleared or wrapped channel, logs the gap with its size and carries on', async () => {
    setChannel(w, 'Security', { events: securityChannel(10, 1) });
    h = harness(w, [{ name: 'Security' }]);
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 11, 10000, 'first ten');
    // records 11..15 were written and overwritten/cleared before Vigil read them: the oldest is now 16
    setChannel(w, 'Security', { events: securityChannel(5, 16, 20) });
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 21, 10000, 'after the gap');
    expect(recordIds(h.received)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 19, 20]);
    const gap = h.lines.find((l) => l.gap_records === 5);
    expect(gap, 'gap warning').to.not.equal(undefined);
    expect(gap!.level).to.equal(40);
    let st = h.collector.status().channels[0];
    expect(st.gaps).to.equal(1);
    expect(st.gap_records).to.equal(5);

    // the log is recreated: record ids start again at 1
    setChannel(w, 'Security', { events: securityChannel(20, 1, 40) });
    await waitFor(() => h!.collector.status().channels[0].gaps === 2, 10000, 'ids going back detected');
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 21 && h!.received.length === 35, 10000, 'new content read');
    st = h.collector.status().channels[0];
    expect(st.last_error).to.equal(null);
    expect(recordIds(h.received.slice(15))).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(h.received.map((e) => e.id)).size).to.equal(35); // new content, new document ids
    expect(h.lines.some((l) => /went back/.test(l.msg))).to.equal(true);
  });

  it('reports a channel that does not exist once, and the other channels go on', async () => {
    setChannel(w, 'Security', { events: securityChannel(8) });
    const sysmonName = 'Microsoft-Windows-Sysmon/Operational';
    h = harness(w, [{ name: sysmonName }, { name: 'Security' }]);
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 9, 10000, 'security read');
    await waitFor(() => calls(w).filter((a) => a[1] === sysmonName).length >= 3, 10000, 'retries');
    const errs = h.lines.filter((l) => l.level === 50 && l.channel === sysmonName);
    expect(errs).to.have.length(1);
    expect(String(errs[0].err)).to.contain(`"${sysmonName}" does not exist`);
    const st = h.collector.status();
    expect(st.channels[0].last_error).to.contain('does not exist');
    expect(st.last_error).to.contain(sysmonName);
    // Sysmon gets installed: the channel is read from then on
    setChannel(w, sysmonName, { events: sysmon.slice(0, 4).map((raw, i) => served(raw, 1742 + i)) });
    await waitFor(() => h!.registry.get(`winevt:${sysmonName}`)?.offset === 1746, 10000, 'sysmon read');
    expect(h.collector.status().channels[0].last_error).to.equal(null);
    expect(h.received.filter((e) => (e.doc.winlog as any).channel === sysmonName)).to.have.length(4);
  });

  it('reports access denied on Security naming the privilege, and the other channels go on', async () => {
    setChannel(w, 'Security', { status: 'denied' });
    setChannel(w, 'System', { events: pythonEvtxSystem.slice(0, 6).map((raw, i) => served(raw, 70 + i)) });
    h = harness(w, [{ name: 'Security', event_ids: '4624' }, { name: 'System' }]);
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:System')?.offset === 76, 10000, 'system read');
    await waitFor(() => h!.collector.status().channels[0].last_error !== null, 10000, 'security error');
    const msg = h.collector.status().channels[0].last_error!;
    expect(msg).to.contain('access denied').and.contain('SeSecurityPrivilege').and.contain('Event Log Readers');
    expect(h.lines.filter((l) => l.level === 50 && l.channel === 'Security')).to.have.length(1);
    expect(h.received).to.have.length(6);
  });

  it('keeps characters that need escaping, and non-ASCII text, exactly', async () => {
    const nasty = `C:\\Temp\\a<b>&c.exe "quoted" 'single' — naïve café Zürich 日本語 ☃ 😀`;
    const raw = sysmon[0].replace(/<Data Name="CommandLine">[^<]*<\/Data>/, `<Data Name="CommandLine">${esc(nasty)}</Data>`)
      .replace(/<Data Name="User">[^<]*<\/Data>/, `<Data Name="User">${esc('CORP\\José & <Admins>')}</Data>`);
    setChannel(w, 'Microsoft-Windows-Sysmon/Operational', { events: [served(raw, 7, { message: `Process Create:\r\nCommandLine: ${nasty}` })] });
    h = harness(w, [{ name: 'Microsoft-Windows-Sysmon/Operational', event_ids: '1' }]);
    h.collector.start();
    await waitFor(() => h!.received.length === 1, 10000, 'the event');
    const doc = h.received[0].doc;
    expect((doc.winlog as any).event_data.CommandLine).to.equal(nasty);
    expect((doc.winlog as any).event_data.User).to.equal('CORP\\José & <Admins>');
    // XML parsers normalise line ends: CRLF in the message comes out as LF
    expect(doc.message).to.equal(`Process Create:\nCommandLine: ${nasty}`);
    expect(h.received[0].id).to.equal(windowsDocId(doc));
  });
});
