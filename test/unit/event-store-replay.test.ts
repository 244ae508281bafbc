import { expect } from 'chai';
import { writeFileSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreSink } from '../../sinks/event-store/event-store-sink';
import { readReplayIds } from '../../sinks/event-store/replay-index';
import { listStoreFiles } from '../../sinks/event-store/store-files';
import { ReplaySet } from '../../sinks/event-store/replay-set';
import { SOURCE_GONE_AFTER_MS, REPLAY_HOLD_MS } from '../../sinks/event-store/write-mark';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { Metrics } from '../../src/core/metrics';
import { fileEventId, fileIdPrefix, fileSourceKey, hostIdTag, type PipelineEvent, type Span } from '../../src/core/event';
import { encodeRecord } from '../../sinks/spool/record-line';
import { tempDir } from '../helpers/temp-dir';
import { readStore } from '../helpers/event-store';
import { captureLogger } from '../helpers/logger';

const HOST = hostIdTag('test-host');

/** Events of lines `from`..`to`-1 of a file (ids as the file collector makes them; offsets are line numbers here). */
function fileLines(identity: string, from: number, to: number, pending = 1): PipelineEvent[] {
  const span: Span = { source: fileSourceKey(identity), start: from, end: to, pending, events: [] };
  const prefix = fileIdPrefix(identity);
  const out: PipelineEvent[] = [];
  for (let i = from; i < to; i++) out.push({ id: fileEventId(prefix, i, HOST), doc: { message: `${identity.slice(0, 4)} ${i}` }, span });
  return out;
}

function otherEvents(from: number, to: number): PipelineEvent[] {
  const span: Span = { source: 'winevt:Security', start: from, end: to, pending: 1, events: [] };
  const out: PipelineEvent[] = [];
  for (let i = from; i < to; i++) out.push({ id: `w${i}`, doc: { message: `m${i}` }, span });
  return out;
}

async function metricValue(m: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (metric?.values as Array<{ value: number; labels: Record<string, string> }> | undefined)
    ?.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

describe('local event store: the replay window and the mark after a restart', () => {
  let tmp: ReturnType<typeof tempDir>;
  const clock = Date.now();
  beforeEach(() => { tmp = tempDir('store-replay'); });
  afterEach(() => tmp.cleanup());
  const state = () => join(tmp.path, 'state');
  const store = () => join(tmp.path, 'events');

  function open(reg: CheckpointRegistry, metrics = new Metrics()): { s: EventStoreSink; lines: ReturnType<typeof captureLogger>['lines']; metrics: Metrics } {
    const { log, lines } = captureLogger();
    const s = new EventStoreSink({ dir: store(), keepDays: 7, registry: reg, log, metrics, now: () => new Date(clock) });
    return { s, lines, metrics };
  }

  function loaded(): CheckpointRegistry {
    const r = new CheckpointRegistry(state());
    r.load();
    return r;
  }

  function endOfStore(): { file: string; size: number } {
    const files = listStoreFiles(store());
    const file = files[files.length - 1];
    return { file, size: statSync(join(store(), file)).size };
  }

  /** Run 1 writes 0..9 of X and of Z, the checkpoint covers 0..3 of each, and it crashes. */
  async function crashWithUnsent(X: string, Z: string): Promise<void> {
    const run1 = new CheckpointRegistry(state());
    const { s } = open(run1);
    await s.start();
    await s.write(fileLines(X, 0, 10));
    await s.write(fileLines(Z, 0, 10));
    run1.advance(fileSourceKey(X), 4);
    run1.advance(fileSourceKey(Z), 4);
    await run1.commit();
    await s.stop();
  }

  it('lets go of the replay ids of a source gone since the crash (not seen for 5 minutes of the pipeline), so the mark moves on, and says so', async () => {
    const X = 'd'.repeat(32), Z = 'e'.repeat(32), Y = 'f'.repeat(32);
    await crashWithUnsent(X, Z);
    const startMark = loaded().sinkMark('event_store');
    // run 2: X was renamed away while the daemon was down (nothing sees it again); Z is still there
    const reg = loaded();
    const { s, lines, metrics } = open(reg);
    await s.start();
    reg.get(fileSourceKey(X))!.seen = Date.now() - 3_600_000;
    await s.write(fileLines(Y, 0, 5));
    reg.advance(fileSourceKey(Y), 5);
    await reg.commit();
    expect(loaded().sinkMark('event_store'), 'held while the replay set may still come').to.deep.equal(startMark);
    // 5 minutes of the pipeline later (time counts on the registry's stamps): Y is read, Z's collector
    // keeps seeing it, nothing sees X
    const later = Date.now() + SOURCE_GONE_AFTER_MS + 1000;
    reg.get(fileSourceKey(Y))!.seen = later;
    reg.get(fileSourceKey(Z))!.seen = later - 60_000;
    await reg.commit();
    expect(loaded().sinkMark('event_store'), 'still held for Z, which is there').to.deep.equal(startMark);
    expect(await metricValue(metrics, 'vigil_event_store_replay_released_total', { reason: 'source_gone' })).to.equal(6);
    const warn = lines.find((l) => l.reason === 'source_gone');
    expect(warn?.events).to.equal(6);
    expect(warn?.msg).to.match(/source is gone/);
    // Z is read again from its checkpoint: recognised, and then nothing holds the mark any more
    await s.write(fileLines(Z, 4, 12));
    reg.advance(fileSourceKey(Z), 12);
    await reg.commit();
    expect(s.duplicatesSkipped).to.equal(6);
    expect(loaded().sinkMark('event_store')).to.deep.equal(endOfStore());
    await s.stop();
    // the next start holds nothing
    const { s: s3, lines: lines3 } = open(loaded());
    await s3.start();
    await s3.stop();
    expect(lines3.filter((l) => /will not be written twice/.test(l.msg))).to.have.length(0);
    expect(readStore(store())).to.have.length(10 + 10 + 5 + 2);
  });

  it('lets go of every replay id still held after 30 minutes of the pipeline since start (ids that name no source)', async () => {
    const run1 = new CheckpointRegistry(state());
    const { s: s1 } = open(run1);
    await s1.start();
    await s1.write(otherEvents(0, 10));
    await run1.commit();
    await s1.stop();
    const startMark = loaded().sinkMark('event_store');
    const reg = loaded();
    const { s, metrics } = open(reg);
    const t0 = Date.now();
    await s.start();
    reg.touch('winevt:Security');                              // its collector is there, and reads
    reg.get('winevt:Security')!.seen = t0 + REPLAY_HOLD_MS - 1000;
    await reg.commit();
    expect(loaded().sinkMark('event_store')).to.deep.equal(startMark);
    reg.get('winevt:Security')!.seen = Date.now() + REPLAY_HOLD_MS + 1000;
    await reg.commit();
    await s.stop();
    expect(loaded().sinkMark('event_store')).to.deep.equal(endOfStore());
    expect(await metricValue(metrics, 'vigil_event_store_replay_released_total', { reason: 'held_too_long' })).to.equal(10);
  });

  it('moves the mark past an acknowledged write whose source position was removed (a cleared channel)', async () => {
    const X = '1'.repeat(32);
    const reg = new CheckpointRegistry(state());
    const { s } = open(reg);
    await s.start();
    const evs = fileLines(X, 0, 5);
    await s.write(evs);
    reg.advance(fileSourceKey(X), 3);   // part acknowledged...
    await reg.commit();
    expect(loaded().sinkMark('event_store')).to.deep.equal({ ...endOfStore(), size: 0 });
    evs[0].span.pending = 0;           // ...then the rest, after its collector dropped the position
    reg.remove(fileSourceKey(X));
    await reg.commit();
    await s.stop();
    expect(loaded().sinkMark('event_store')).to.deep.equal(endOfStore());
  });

  it('keeps ids as they are: a file line\'s id and one that only looks like it are told apart', () => {
    const r = new ReplaySet();
    const P = fileIdPrefix('2'.repeat(32));
    const ids = [fileEventId(P, 10, HOST), fileEventId(P, 10, hostIdTag('other')), `${P}.a`, `${P}.0a`, `${P}.A`, `${P}.a!`, `${P}.`, `${P}.a.short`, `${P}.a.${HOST}x`, 'w1', 'x.1', fileEventId(P, 2 ** 40, HOST)];
    for (const id of ids) expect(r.add(id), id).to.equal(true);
    expect(r.add(fileEventId(P, 10, HOST))).to.equal(false);
    expect(r.add(`${P}.a`)).to.equal(false);
    expect(r.size).to.equal(ids.length);
    expect([...r].sort()).to.deep.equal([...ids].sort());
    expect(r.has(`${P}.b`)).to.equal(false);
    for (const id of ids) expect(r.delete(id), id).to.equal(true);
    expect(r.size).to.equal(0);
    expect([...r.fileGroups()]).to.have.length(0);
  });

  describe('the start-up budget', () => {
    const ID = 'A'.repeat(22);
    function writeLines(n: number, long: Set<number> = new Set()): string {
      mkdirSync(store(), { recursive: true });
      const file = join(store(), 'events-2026-03-04.ndjson');
      const text: string[] = [];
      for (let i = 0; i < n; i++) text.push(encodeRecord(`${ID}.${i.toString(36)}`, { message: long.has(i) ? 'x'.repeat(3 << 20) : `line ${i}` }));
      writeFileSync(file, text.join(''));
      return file;
    }
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${ID}.${(from + i).toString(36)}`);

    it('holds the newest ids only, up to the budget, and counts the bytes it left unchecked', () => {
      writeLines(1000);
      const w = readReplayIds(store(), listStoreFiles(store()), undefined, { covered: () => false, maxIds: 100 });
      expect([...w.ids].sort()).to.deep.equal(ids(900, 1000).sort());
      const all = readStore(store());
      const bytes = (evs: typeof all) => evs.reduce((n, e) => n + encodeRecord(e._id, { message: e.message as string }).length, 0);
      expect(w.uncheckedBytes).to.equal(bytes(all.slice(0, 900)));
      expect(w.checkedBytes).to.equal(bytes(all.slice(900)));
    });

    it('reads no further back than its byte budget, nor past the mark, and skips covered ids', () => {
      writeLines(1000);
      const w = readReplayIds(store(), listStoreFiles(store()), undefined, { covered: () => false, maxBytes: 100 });
      expect(w.ids.size).to.be.greaterThan(0).and.lessThan(1000);
      expect(w.ids.has(`${ID}.${(999).toString(36)}`)).to.equal(true);
      expect(w.checkedBytes + w.uncheckedBytes).to.equal(statSync(join(store(), 'events-2026-03-04.ndjson')).size);
      const markAt = encodeRecord(`${ID}.0`, { message: 'line 0' }).length;
      const covered = (id: string) => parseInt(id.slice(23), 36) % 2 === 0;
      const m = readReplayIds(store(), listStoreFiles(store()), { file: 'events-2026-03-04.ndjson', size: markAt }, { covered });
      expect([...m.ids].sort()).to.deep.equal(ids(1, 1000).filter((id) => !covered(id)).sort());
      expect(m.uncheckedBytes).to.equal(0);
    });

    it('reads lines longer than its read chunk', () => {
      writeLines(20, new Set([0, 7, 19]));
      const w = readReplayIds(store(), listStoreFiles(store()), undefined, { covered: () => false });
      expect([...w.ids].sort()).to.deep.equal(ids(0, 20).sort());
      expect(w.uncheckedBytes).to.equal(0);
    });
  });
});
