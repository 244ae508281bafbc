import { expect } from 'chai';
import { readFileSync, writeFileSync, mkdirSync, chmodSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import { Metrics } from '../../src/core/metrics';
import type { Span, PipelineEvent } from '../../src/core/event';
import type { WinevtInputConfig, WinevtChannelConfig } from '../../src/runtime/config/types';
import { WinevtCollector } from '../../collectors/winevt/winevt-collector';
import { windowsEventDoc, windowsDocId } from '../../collectors/windows-event/event-mapping';
import { parseRenderedXml } from '../../collectors/winevt/rendered-xml';
import { MAX_EVENT_ID_CLAUSES } from '../../collectors/winevt/xpath-query';
import { queryEvents, logInfo, WevtutilError } from '../../collectors/winevt/wevtutil';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';
import { captureLogger, type LogLine } from '../helpers/logger';
import { byId, esc, evtxEvents, served, type ServedEvent } from '../helpers/winevt-events';

/** How long a test waits for reading to get somewhere: generous, since the stand-in wevtutil is a process per query (slow on a loaded machine) and nothing here measures speed. */
const WAIT_MS = 60_000;

/** Waits until `value` has stayed the same for 500 ms (at most WAIT_MS). */
async function settled(value: () => number): Promise<void> {
  const until = Date.now() + WAIT_MS;
  let last = value();
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = value();
    if (now === last || Date.now() > until) return;
    last = now;
  }
}

const STAND_IN = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'winevt', 'wevtutil.js');

// ---------- real events as wevtutil serves them (test/helpers/winevt-events.ts) ----------

let security: string[] = [];
let sysmon: string[] = [];
let system: string[] = [];
let pythonEvtxSystem: string[] = [];
before(async () => {
  [security, sysmon, system, pythonEvtxSystem] = await Promise.all([
    evtxEvents('omerbenamram-evtx/security.evtx'),
    evtxEvents('omerbenamram-evtx/sysmon.evtx'),
    evtxEvents('omerbenamram-evtx/system.evtx'),
    evtxEvents('python-evtx/system.evtx'),
  ]);
});

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
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 112 && h!.registry.get('winevt:System')?.offset === 41, WAIT_MS, 'both channels read');
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
      await waitFor(() => h2.registry.get('winevt:Security')?.offset === 112 && h2.registry.get('winevt:ForwardedEvents')?.offset === 112, WAIT_MS, 'read');
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
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 61, WAIT_MS, 'all read');
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
    await waitFor(() => h!.held.length >= 3, WAIT_MS, 'three spans');
    h.full.value = true; // sinks "full": no new batch
    // a query already started when the sinks filled may still be on its way (a process per query): wait until none is
    await settled(() => calls(w).length);
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
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 541, WAIT_MS, 'all read after restart');
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
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 11, WAIT_MS, 'first ten');
    // records 11..15 were written and overwritten/cleared before Vigil read them: the oldest is now 16
    setChannel(w, 'Security', { events: securityChannel(5, 16, 20) });
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 21, WAIT_MS, 'after the gap');
    expect(recordIds(h.received)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 19, 20]);
    const gap = h.lines.find((l) => l.gap_records === 5);
    expect(gap, 'gap warning').to.not.equal(undefined);
    expect(gap!.level).to.equal(40);
    let st = h.collector.status().channels[0];
    expect(st.gaps).to.equal(1);
    expect(st.gap_records).to.equal(5);

    // the log is recreated: record ids start again at 1
    setChannel(w, 'Security', { events: securityChannel(20, 1, 40) });
    await waitFor(() => h!.collector.status().channels[0].gaps === 2, WAIT_MS, 'ids going back detected');
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 21 && h!.received.length === 35, WAIT_MS, 'new content read');
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
    await waitFor(() => h!.registry.get('winevt:Security')?.offset === 9, WAIT_MS, 'security read');
    await waitFor(() => calls(w).filter((a) => a[1] === sysmonName).length >= 3, WAIT_MS, 'retries');
    const errs = h.lines.filter((l) => l.level === 50 && l.channel === sysmonName);
    expect(errs).to.have.length(1);
    expect(String(errs[0].err)).to.contain(`"${sysmonName}" does not exist`);
    const st = h.collector.status();
    expect(st.channels[0].last_error).to.contain('does not exist');
    expect(st.last_error).to.contain(sysmonName);
    // Sysmon gets installed: the channel is read from then on
    setChannel(w, sysmonName, { events: sysmon.slice(0, 4).map((raw, i) => served(raw, 1742 + i)) });
    await waitFor(() => h!.registry.get(`winevt:${sysmonName}`)?.offset === 1746, WAIT_MS, 'sysmon read');
    expect(h.collector.status().channels[0].last_error).to.equal(null);
    expect(h.received.filter((e) => (e.doc.winlog as any).channel === sysmonName)).to.have.length(4);
  });

  it('reports access denied on Security naming the privilege, and the other channels go on', async () => {
    setChannel(w, 'Security', { status: 'denied' });
    setChannel(w, 'System', { events: pythonEvtxSystem.slice(0, 6).map((raw, i) => served(raw, 70 + i)) });
    h = harness(w, [{ name: 'Security', event_ids: '4624' }, { name: 'System' }]);
    h.collector.start();
    await waitFor(() => h!.registry.get('winevt:System')?.offset === 76, WAIT_MS, 'system read');
    await waitFor(() => h!.collector.status().channels[0].last_error !== null, WAIT_MS, 'security error');
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
    await waitFor(() => h!.received.length === 1, WAIT_MS, 'the event');
    const doc = h.received[0].doc;
    expect((doc.winlog as any).event_data.CommandLine).to.equal(nasty);
    expect((doc.winlog as any).event_data.User).to.equal('CORP\\José & <Admins>');
    // XML parsers normalise line ends: CRLF in the message comes out as LF
    expect(doc.message).to.equal(`Process Create:\nCommandLine: ${nasty}`);
    expect(h.received[0].id).to.equal(windowsDocId(doc));
  });
});
