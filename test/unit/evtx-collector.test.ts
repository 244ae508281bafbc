import { expect } from 'chai';
import { copyFileSync, renameSync, writeFileSync, readFileSync, appendFileSync, truncateSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import { Metrics } from '../../src/core/metrics';
import type { Span, PipelineEvent } from '../../src/core/event';
import type { EvtxInputConfig } from '../../src/runtime/config/types';
import { EvtxCollector } from '../../collectors/evtx/evtx-collector';
import { evtxSourceKey, evtxIdentityOf } from '../../collectors/evtx/evtx-identity';
import { readEvtx, type EvtxRecord } from '../../collectors/evtx';
import { windowsEventDoc, windowsDocId } from '../../collectors/windows-event/event-mapping';
import { tempDir } from '../helpers/temp-dir';
import { waitFor, sleep } from '../helpers/wait';
import { captureLogger, type LogLine } from '../helpers/logger';
import { EVTX_DATA, evtxRecordIds } from '../helpers/evtx-samples';
import { cutTrailingSize, layoutOf } from '../helpers/evtx-damage';

const SECURITY = join(EVTX_DATA, 'omerbenamram-evtx', 'security.evtx');
const BAD_CHUNK_MAGIC = join(EVTX_DATA, 'omerbenamram-evtx', 'sample_with_a_bad_chunk_magic.evtx');
const HOST = 'vigil-test';
const CHUNK = 65536;
const HEADER = 4096;

/** The ids `vigil evtx` gives the records of a file, in file order (the reference for every test). */
const expectedIds = (path: string): Promise<string[]> => evtxRecordIds(path, HOST);

function identityOfFile(path: string): string {
  return evtxIdentityOf(readFileSync(path).subarray(0, HEADER + CHUNK)).identity;
}

interface Harness {
  collector: EvtxCollector;
  registry: CheckpointRegistry;
  tracker: AckTracker;
  metrics: Metrics;
  received: PipelineEvent[];
  acked: PipelineEvent[];
  held: Span[];
  spans: number;
  lines: LogLine[];
  full: { value: boolean };
}

/**
 * A collector as the daemon runs it, with a stand-in pipeline: spans are acknowledged at once, or
 * held (a sink that has not taken them yet); `afterSubmit` may make the sinks "full".
 */
function harness(stateDir: string, paths: string[], opts: { hold?: boolean; afterSubmit?: (h: Harness) => void; scanMs?: number; filter?: Partial<EvtxInputConfig> } = {}): Harness {
  const registry = new CheckpointRegistry(stateDir);
  registry.load();
  const tracker = new AckTracker(registry);
  const { log, lines } = captureLogger();
  const metrics = new Metrics();
  const cfg: EvtxInputConfig = { type: 'evtx', id: 'evtx-test', paths, scan_interval_ms: opts.scanMs ?? 50, ...opts.filter };
  const h: Harness = { registry, tracker, metrics, received: [], acked: [], held: [], spans: 0, lines, full: { value: false }, collector: undefined as unknown as EvtxCollector };
  h.collector = new EvtxCollector(cfg, {
    registry, tracker, log, metrics, hostName: HOST,
    isFull: () => h.full.value,
    submit: async (b) => {
      tracker.issue(b);
      b.pending = 1;
      h.spans++;
      h.received.push(...b.events);
      if (opts.hold) h.held.push(b); else ack(h, b);
      opts.afterSubmit?.(h);
    },
  });
  return h;
}

function ack(h: Harness, b: Span): void {
  h.acked.push(...b.events);
  b.pending = 0;
  h.tracker.ack(b);
}

const ids = (evs: PipelineEvent[]): string[] => evs.map((e) => e.id);
const allDone = (h: Harness, files: number): boolean => {
  const st = h.collector.status();
  return st.files.length === files && st.pending_files === 0;
};

describe('evtx input: the daemon reads .evtx files', function () {
  this.timeout(60_000);
  let h: Harness | null = null;
  let tmp: ReturnType<typeof tempDir>;

  beforeEach(() => { tmp = tempDir('evtx-input'); });
  afterEach(async () => {
    if (h) await h.collector.stop();
    h = null;
    tmp.cleanup();
  });

  it('delivers every record of several sample files exactly once, with the ids `vigil evtx` gives', async () => {
    const paths = [join(EVTX_DATA, 'DeepBlueCLI', '*.evtx'), SECURITY, join(EVTX_DATA, 'omerbenamram-evtx', 'Application_no_crc32.evtx')];
    const files = [
      ...['smb-password-guessing-security', 'password-spray', 'many-events-application', 'Powershell-Invoke-Obfuscation-many', 'metasploit-sysmon',
        'sliver-security', 'metasploit-psexec-native-target-system', 'new-user-security', 'disablestop-eventlog'].map((n) => join(EVTX_DATA, 'DeepBlueCLI', `${n}.evtx`)),
      SECURITY, join(EVTX_DATA, 'omerbenamram-evtx', 'Application_no_crc32.evtx'),
    ];
    const expected = new Map<string, string[]>();
    for (const f of files) expected.set(f, await expectedIds(f));
    const total = [...expected.values()].reduce((n, l) => n + l.length, 0);
    expect(total).to.equal(3561 + 295 + 2216 + 302 + 59 + 528 + 7 + 4 + 13 + 2261 + 17); // INDEX.json's record counts

    h = harness(join(tmp.path, 'state'), paths);
    h.collector.start();
    await waitFor(() => allDone(h!, files.length), 30_000, 'every file read and acknowledged');
    const got = ids(h.received);
    expect(got.length).to.equal(total);
    expect(new Set(got).size).to.equal(total);
    // per file: the same records in the same order, with the same documents as `vigil evtx` makes
    for (const f of files) {
      const source = evtxSourceKey(identityOfFile(f));
      const mine = h.received.filter((e) => e.span.source === source).map((e) => e.id);
      expect(mine, f).to.deep.equal(expected.get(f));
    }
    const first = h.received[0];
    const firstReader = readEvtx(files.find((f) => first.span.source === evtxSourceKey(identityOfFile(f)))!);
    const firstRecord = (await firstReader.next()).value as EvtxRecord;
    await firstReader.return(firstReader.stats);
    const again = windowsEventDoc(firstRecord.tree, { hostName: HOST, ingested: 'x' });
    expect({ ...first.doc, event: { ...(first.doc.event as object), ingested: 'x' } }).to.deep.equal(again);

    const st = h.collector.status();
    expect(st.last_error).to.equal(null);
    expect(st.files.every((f) => f.done && f.checkpoint === f.next && f.last_error === null)).to.equal(true);
    expect(st.damaged).to.equal(0);
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).to.contain(`vigil_evtx_events_total{input="evtx-test"} ${total}`);
    expect(metrics).to.contain(`vigil_evtx_files_total{input="evtx-test",event="read"} ${files.length}`);

    // a rescan and a restart read nothing again
    const before = h.received.length;
    await sleep(300);
    expect(h.received.length).to.equal(before);
    await h.collector.stop();
    h.registry.commitSync();
    h = harness(join(tmp.path, 'state'), paths);
    h.collector.start();
    await waitFor(() => h!.collector.status().files.length === files.length, 10_000, 'files found again');
    await sleep(300);
    expect(h.received.length).to.equal(0);
  });

  it('keeps only the records its event_ids, levels and providers select; the checkpoint still moves past the others', async () => {
    const path = join(tmp.path, 'security.evtx');
    copyFileSync(SECURITY, path);
    const all: Array<{ id: string; code: number; level: unknown; provider: unknown; next: number }> = [];
    for await (const rec of readEvtx(path)) {
      const doc = windowsEventDoc(rec.tree, { hostName: HOST, ingested: 'x' }) as { event?: { code?: string }; log?: { level?: string }; winlog?: { provider_name?: string } };
      all.push({ id: windowsDocId(doc), code: Number(doc.event?.code), level: doc.log?.level, provider: doc.winlog?.provider_name, next: rec.fileOffset + 1 });
    }
    const codes = [...new Set(all.map((r) => r.code))].sort((a, b) => a - b);
    expect(codes.length).to.be.greaterThan(3);
    // keep a range of ids but one, from one provider
    const lo = codes[0], hi = codes[Math.floor(codes.length / 2)], minus = codes[1];
    const provider = all[0].provider as string;
    const want = all.filter((r) => r.code >= lo && r.code <= hi && r.code !== minus && r.provider === provider).map((r) => r.id);
    expect(want.length).to.be.greaterThan(0);
    expect(want.length).to.be.lessThan(all.length);
    h = harness(join(tmp.path, 'state'), [join(tmp.path, '*.evtx')], { filter: { event_ids: `${lo}-${hi}, -${minus}`, providers: [provider] } });
    h.collector.start();
    const source = evtxSourceKey(identityOfFile(path));
    await waitFor(() => allDone(h!, 1) && h!.registry.get(source)?.offset === all[all.length - 1].next, 20_000, 'the file read to its end');
    expect(ids(h.received)).to.deep.equal(want);
    expect((await h.metrics.registry.getSingleMetric('vigil_evtx_filtered_total')!.get()).values[0].value).to.equal(all.length - want.length);
    // levels, by the records' System/Level
    await h.collector.stop();
    const h2 = harness(join(tmp.path, 'state2'), [join(tmp.path, '*.evtx')], { filter: { levels: ['warning', 'error'] } });
    h2.collector.start();
    await waitFor(() => allDone(h2, 1) && h2.registry.get(source)?.offset === all[all.length - 1].next, 20_000, 'the second read to its end');
    expect(ids(h2.received)).to.deep.equal(all.filter((r) => r.level === 'warning' || r.level === 'error').map((r) => r.id));
    await h2.collector.stop();
    const h3 = harness(join(tmp.path, 'state3'), [join(tmp.path, '*.evtx')], { filter: { levels: ['information'] } });
    h3.collector.start();
    await waitFor(() => allDone(h3, 1) && h3.registry.get(source)?.offset === all[all.length - 1].next, 20_000, 'the third read to its end');
    expect(ids(h3.received)).to.deep.equal(all.filter((r) => r.level === 'information' || r.level === undefined).map((r) => r.id));
    await h3.collector.stop();
  });

  it('resumes after a stop with spans unacknowledged: nothing lost, nothing twice, the same ids', async () => {
    const dir = join(tmp.path, 'in');
    mkdirSync(dir);
    copyFileSync(SECURITY, join(dir, 'security.evtx'));
    const all = await expectedIds(SECURITY);
    // run 1: the sinks take three spans and then are full; two of them are acknowledged before the stop
    h = harness(join(tmp.path, 'state'), [join(dir, '*.evtx')], { hold: true, afterSubmit: (x) => { if (x.spans >= 3) x.full.value = true; } });
    h.collector.start();
    await waitFor(() => h!.held.length >= 3, 10_000, 'three spans');
    await sleep(200);
    expect(h.held.length).to.equal(3); // backpressure: no more reading while the sinks are full
    for (const b of h.held.splice(0, 2)) ack(h, b);
    const t0 = Date.now();
    await h.collector.stop();
    expect(Date.now() - t0, 'a prompt stop').to.be.lessThan(1000);
    const run1Acked = ids(h.acked);
    const run1Unacked = ids(h.received).filter((id) => !run1Acked.includes(id));
    expect(run1Acked).to.deep.equal(all.slice(0, run1Acked.length));
    expect(run1Unacked.length).to.be.greaterThan(0);
    const source = evtxSourceKey(identityOfFile(SECURITY));
    const checkpoint = h.registry.get(source)!.offset;
    expect(checkpoint).to.be.greaterThan(0);
    h.registry.commitSync();

    // run 2: from the checkpoint
    h = harness(join(tmp.path, 'state'), [join(dir, '*.evtx')]);
    h.collector.start();
    await waitFor(() => allDone(h!, 1), 10_000, 'the rest read');
    const run2 = ids(h.received);
    expect(run2.filter((id) => run1Acked.includes(id))).to.deep.equal([]);
    expect(new Set(run2).size).to.equal(run2.length);
    expect(run1Unacked.every((id) => run2.includes(id))).to.equal(true);
    expect([...run1Acked, ...run2]).to.deep.equal(all);
  });

  it('reads again from the checkpoint a file read through whose last spans were never acknowledged (a crash)', async () => {
    const dir = join(tmp.path, 'in');
    mkdirSync(dir);
    copyFileSync(SECURITY, join(dir, 'security.evtx'));
    const all = await expectedIds(SECURITY);
    h = harness(join(tmp.path, 'state'), [join(dir, '*.evtx')], { hold: true });
    h.collector.start();
    await waitFor(() => h!.received.length === all.length, 10_000, 'the whole file read');
    ack(h, h.held.shift()!);
    await sleep(100); // the end of the read is in the registry too
    h.registry.commitSync(); // what a kill -9 leaves: one span acknowledged, the file read through
    const acked = ids(h.acked);
    await h.collector.stop();

    h = harness(join(tmp.path, 'state'), [join(dir, '*.evtx')]);
    h.collector.start();
    await waitFor(() => allDone(h!, 1), 10_000, 'the rest read again');
    expect([...acked, ...ids(h.received)]).to.deep.equal(all);
  });

  it('does not read a renamed file or a copy of one again, and reads new content', async () => {
    const dir = join(tmp.path, 'in');
    mkdirSync(dir);
    copyFileSync(SECURITY, join(dir, 'a.evtx'));
    h = harness(join(tmp.path, 'state'), [join(dir, '*.evtx')]);
    h.collector.start();
    await waitFor(() => allDone(h!, 1), 10_000, 'a.evtx read');
    const n = h.received.length;
    expect(n).to.equal(2261);
    renameSync(join(dir, 'a.evtx'), join(dir, 'b.evtx'));
    copyFileSync(join(dir, 'b.evtx'), join(dir, 'c.evtx'));
    await waitFor(() => h!.collector.status().files[0]?.copies === 1, 5000, 'the copy seen');
    await sleep(300);
    expect(h.received.length).to.equal(n);
    const st = h.collector.status();
    expect(st.files).to.have.length(1);
    expect(st.files[0].done).to.equal(true);
    copyFileSync(join(EVTX_DATA, 'DeepBlueCLI', 'new-user-security.evtx'), join(dir, 'd.evtx'));
    await waitFor(() => allDone(h!, 2), 10_000, 'd.evtx read');
    expect(ids(h.received.slice(n))).to.deep.equal(await expectedIds(join(dir, 'd.evtx')));
  });

  it('reads a file that is still being copied as it grows, each record once', async () => {
    const dir = join(tmp.path, 'in');
    mkdirSync(dir);
    const whole = readFileSync(SECURITY);
    const all = await expectedIds(SECURITY);
    const target = join(dir, 'growing.evtx');
    // the copy has written the header, three chunks and part of the fourth
    const cut = HEADER + 3 * CHUNK + 20_000;
    writeFileSync(target, whole.subarray(0, cut));
    h = harness(join(tmp.path, 'state'), [join(dir, '*.evtx')], { scanMs: 100 });
    h.collector.start();
    // at first only its complete chunks are read; once it has stopped changing, the partial chunk too
    await waitFor(() => h!.collector.status().files[0]?.done === true, 10_000, 'the partial file read to its end');
    const partial = await expectedIds(target);
    expect(ids(h.received)).to.deep.equal(partial);
    expect(h.collector.status().files[0].problems['chunk-truncated']).to.equal(1);
    // the copy goes on, in two steps
    appendFileSync(target, whole.subarray(cut, cut + 2 * CHUNK));
    appendFileSync(target, whole.subarray(cut + 2 * CHUNK));
    await waitFor(() => h!.received.length >= all.length && h!.collector.status().files[0]?.done === true, 10_000, 'the rest read');
    expect(ids(h.received)).to.deep.equal(all);
  });

  it('reads damaged files as far as they go, reports them once, and goes on with the others', async () => {
    const dir = join(tmp.path, 'in');
    mkdirSync(dir);
    const truncated = join(dir, 'truncated.evtx');
    copyFileSync(SECURITY, truncated);
    truncateSync(truncated, HEADER + 5 * CHUNK + 30_000);
    writeFileSync(join(dir, 'not-evtx.evtx'), 'this is not an event log\n'.repeat(100));
    const good = join(EVTX_DATA, 'DeepBlueCLI', 'password-spray.evtx');
    h = harness(join(tmp.path, 'state'), [BAD_CHUNK_MAGIC, join(dir, '*.evtx'), good]);
    h.collector.start();
    await waitFor(() => allDone(h!, 4), 15_000, 'every file read');
    const bySource = (f: string): string[] => {
      const source = evtxSourceKey(identityOfFile(f));
      return h!.received.filter((e) => e.span.source === source).map((e) => e.id);
    };
    const badIds = await expectedIds(BAD_CHUNK_MAGIC);
    expect(badIds.length).to.be.greaterThan(270); // python-evtx renders 270 of them
    expect(bySource(BAD_CHUNK_MAGIC)).to.deep.equal(badIds);
    const truncIds = await expectedIds(truncated);
    expect(truncIds.length).to.be.within(400, 2260);
    expect(bySource(truncated)).to.deep.equal(truncIds);
    expect(bySource(good)).to.deep.equal(await expectedIds(good));
    expect(h.received.length).to.equal(badIds.length + truncIds.length + 295);

    const st = h.collector.status();
    const file = (p: string) => st.files.find((f) => f.path === p)!;
    expect(st.damaged, JSON.stringify(st.files, null, 1)).to.equal(3);
    expect(file(BAD_CHUNK_MAGIC).problems['chunk-checksum']).to.be.greaterThan(0);
    expect(file(truncated).problems['chunk-truncated']).to.equal(1);
    expect(file(join(dir, 'not-evtx.evtx')).problems['file-header']).to.equal(1);
    expect(file(good).problems).to.deep.equal({});
    const warnings = h.lines.filter((l) => l.level === 40 && /damaged \.evtx file/.test(l.msg));
    expect(warnings.map((w) => w.path).sort()).to.deep.equal([BAD_CHUNK_MAGIC, join(dir, 'not-evtx.evtx'), truncated].sort());
    expect(warnings.find((w) => w.path === BAD_CHUNK_MAGIC)!.problems).to.equal(Object.values(file(BAD_CHUNK_MAGIC).problems).reduce((a, b) => a + b, 0));
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).to.contain('vigil_evtx_problems_total{input="evtx-test",kind="chunk-truncated"} 1');
    expect(metrics).to.contain('vigil_evtx_files_total{input="evtx-test",event="damaged"} 3');
    // reported once: rescans do not report them again
    await sleep(300);
    expect(h.lines.filter((l) => l.level === 40 && /damaged \.evtx file/.test(l.msg))).to.have.length(3);
  });
  it('tags the events of a chunk failing its checksums, and counts them and the records lost (metrics, /status)', async () => {
    // security.evtx with one record of chunk 1 (ids 92-177) broken: 85 records of chunk 1 read and tagged, 1 lost
    const clean = readFileSync(SECURITY);
    const chunk1 = layoutOf(clean).find((c) => c.index === 1)!;
    const d = cutTrailingSize(clean, chunk1, 11);
    const p = join(tmp.path, 'damaged.evtx');
    writeFileSync(p, d.bytes);
    h = harness(join(tmp.path, 'state'), [p]);
    h.collector.start();
    await waitFor(() => allDone(h!, 1), 15_000, 'the file read');
    expect(h.received.length).to.equal(2260);
    const tagged = h.received.filter((e) => Array.isArray(e.doc.tags));
    expect(tagged.map((e) => (e.doc.winlog as { record_id: string }).record_id))
      .to.deep.equal(chunk1.records.filter((r) => r.id !== d.lost[0]).map((r) => r.id));
    for (const e of tagged) expect(e.doc.tags).to.deep.equal(['vigil_evtx_checksum_mismatch']);
    const f = h.collector.status().files[0];
    expect([f.records_read, f.records_checksum_mismatch, f.records_skipped]).to.deep.equal([2260, 85, 1]);
    expect(f.problems).to.deep.equal({ 'chunk-checksum': 1, 'record-framing': 1 });
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).to.contain('vigil_evtx_checksum_mismatch_total{input="evtx-test"} 85');
    expect(metrics).to.contain('vigil_evtx_skipped_records_total{input="evtx-test"} 1');
    // counted once: rescans do not count them again
    await sleep(300);
    const again = await h.metrics.registry.metrics();
    expect(again).to.contain('vigil_evtx_checksum_mismatch_total{input="evtx-test"} 85');
    expect(h.collector.status().files[0].records_checksum_mismatch).to.equal(85);
  });
});
