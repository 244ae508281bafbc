import { expect } from 'chai';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreSink } from '../../sinks/event-store/event-store-sink';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { silentLogger } from '../../src/core/log';
import { Metrics } from '../../src/core/metrics';
import { fileEventId, fileIdPrefix, fileSourceKey, hostIdTag, type PipelineEvent, type Span } from '../../src/core/event';
import { tempDir } from '../helpers/temp-dir';
import { readStore } from '../helpers/event-store';

const HOST = hostIdTag('test-host');

/** Events of lines `from`..`to`-1 of a file (ids as the file collector makes them; offsets are line numbers here). */
function fileLines(identity: string, from: number, to: number): PipelineEvent[] {
  const span: Span = { source: fileSourceKey(identity), start: from, end: to, pending: 1, events: [] };
  const prefix = fileIdPrefix(identity);
  const out: PipelineEvent[] = [];
  for (let i = from; i < to; i++) out.push({ id: fileEventId(prefix, i, HOST), doc: { '@timestamp': '2026-01-01T00:00:00.000Z', message: `${identity.slice(0, 4)} ${i}` }, span });
  return out;
}

function events(from: number, to: number): PipelineEvent[] {
  const span: Span = { source: 's', start: from, end: to, pending: 1, events: [] };
  const out: PipelineEvent[] = [];
  for (let i = from; i < to; i++) out.push({ id: `id-${i}`, doc: { '@timestamp': '2026-01-01T00:00:00.000Z', message: `m${i}`, n: i }, span });
  return out;
}

describe('local event store sink', () => {
  let tmp: ReturnType<typeof tempDir>;
  const day = new Date('2026-03-04T05:06:07Z');
  beforeEach(() => { tmp = tempDir('store'); });
  afterEach(() => tmp.cleanup());

  function open(reg: CheckpointRegistry, now = () => day): EventStoreSink {
    return new EventStoreSink({ dir: join(tmp.path, 'events'), keepDays: 7, registry: reg, log: silentLogger(), metrics: new Metrics(), now });
  }

  it('writes one line per event, id first, in a file per day', async () => {
    const reg = new CheckpointRegistry(join(tmp.path, 'state'));
    const s = open(reg);
    await s.start();
    await s.write(events(0, 3));
    await s.stop();
    const text = readFileSync(join(tmp.path, 'events', 'events-2026-03-04.ndjson'), 'utf8');
    expect(text.split('\n')[0]).to.equal('{"_id":"id-0","@timestamp":"2026-01-01T00:00:00.000Z","message":"m0","n":0}');
    expect(readStore(join(tmp.path, 'events')).map((e) => e._id)).to.deep.equal(['id-0', 'id-1', 'id-2']);
  });

  it('after a crash, does not write again what it wrote after the last commit, and cuts a torn line', async () => {
    const state = join(tmp.path, 'state');
    const reg = new CheckpointRegistry(state);
    const s = open(reg);
    await s.start();
    await s.write(events(0, 5));
    reg.advance('s', 5);
    await reg.commit();                 // the checkpoint covers 0..4
    await s.write(events(5, 10));       // written, then "crash" before the next commit
    appendFileSync(join(tmp.path, 'events', 'events-2026-03-04.ndjson'), '{"_id":"id-10","mess'); // torn write
    // restart: the collector resends 5..11 (from the checkpoint)
    const reg2 = new CheckpointRegistry(state);
    reg2.load();
    const s2 = open(reg2);
    await s2.start();
    await s2.write(events(5, 12));
    await s2.stop();
    await s.stop(); // (only its handle: that run "crashed")
    const ids = readStore(join(tmp.path, 'events')).map((e) => e._id);
    expect(ids).to.deep.equal(Array.from({ length: 12 }, (_, i) => `id-${i}`));
    expect(s2.duplicatesSkipped).to.equal(5);
  });

  it('recognises events sent again after two crashes in a row, when the first restart had not resent them yet', async () => {
    const state = join(tmp.path, 'state');
    const X = 'a'.repeat(32), Y = 'b'.repeat(32);
    const run1 = new CheckpointRegistry(state);
    const s1 = open(run1);
    await s1.start();
    await s1.write(fileLines(X, 0, 10));
    run1.advance(fileSourceKey(X), 4);   // only 0..3 acknowledged when the commit happens
    await run1.commit();
    // crash 1. Run 2 gets busy with another file and commits before it reads X again.
    const run2 = new CheckpointRegistry(state);
    run2.load();
    const s2 = open(run2);
    await s2.start();
    await s2.write(fileLines(Y, 0, 5));
    run2.advance(fileSourceKey(Y), 5);
    await run2.commit();
    // crash 2. Run 3 reads X again from its checkpoint (4).
    const run3 = new CheckpointRegistry(state);
    run3.load();
    const s3 = open(run3);
    await s3.start();
    await s3.write(fileLines(X, 4, 12));
    run3.advance(fileSourceKey(X), 12);
    await s3.stop();
    await s1.stop(); await s2.stop(); // (only their handles: the runs "crashed")
    const msgs = readStore(join(tmp.path, 'events')).map((e) => e.message as string);
    const want = [...Array.from({ length: 12 }, (_, i) => `aaaa ${i}`), ...Array.from({ length: 5 }, (_, i) => `bbbb ${i}`)];
    expect([...msgs].sort()).to.deep.equal([...want].sort());
    expect(s3.duplicatesSkipped).to.equal(6);
  });

  it('does not move its mark past a write whose spans the checkpoints do not cover yet (another sink lags)', async () => {
    const state = join(tmp.path, 'state');
    const X = 'c'.repeat(32);
    const reg = new CheckpointRegistry(state);
    const s = open(reg);
    await s.start();
    await s.write(fileLines(X, 0, 5));
    reg.advance(fileSourceKey(X), 5);
    await s.write(fileLines(X, 5, 10));  // written here; not acknowledged (a slower sink still has it)
    await reg.commit();
    const run2 = new CheckpointRegistry(state);
    run2.load();
    const mark = run2.sinkMark('event_store') as { file: string; size: number };
    const first5 = readFileSync(join(tmp.path, 'events', mark.file)).subarray(0, mark.size).toString().split('\n').filter(Boolean);
    expect(first5).to.have.length(5);
    const s2 = open(run2);
    await s2.start();
    await s2.write(fileLines(X, 5, 10));  // sent again from the checkpoint
    await s2.stop();
    await s.stop();
    expect(readStore(join(tmp.path, 'events'))).to.have.length(10);
    expect(s2.duplicatesSkipped).to.equal(5);
  });

  it('moves to a new file when the day changes and removes files past keep_days', async () => {
    const reg = new CheckpointRegistry(join(tmp.path, 'state'));
    let now = new Date('2026-03-01T23:59:59Z');
    const s = open(reg, () => now);
    await s.start();
    await s.write(events(0, 1));
    now = new Date('2026-03-02T00:00:01Z');
    await s.write(events(1, 2));
    now = new Date('2026-03-20T00:00:00Z');
    await s.write(events(2, 3));
    await s.stop();
    const { listStoreFiles } = await import('../../sinks/event-store/store-files');
    expect(listStoreFiles(join(tmp.path, 'events'))).to.deep.equal(['events-2026-03-20.ndjson']);
  });

  describe('fsync: once a checkpoint commit, before the registry is written', () => {
    /** Counts (or fails) every FileHandle.datasync of this process while `fn` runs. */
    async function withDatasync(fail: boolean, fn: (calls: () => number) => Promise<void>): Promise<void> {
      const { promises: fsp } = await import('node:fs');
      const fh = await fsp.open(join(tmp.path, 'probe'), 'w');
      const proto = Object.getPrototypeOf(fh) as { datasync: () => Promise<void> };
      await fh.close();
      const real = proto.datasync;
      let n = 0;
      proto.datasync = async function (this: unknown) {
        n++;
        if (fail) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        return real.call(this);
      };
      try { await fn(() => n); } finally { proto.datasync = real; }
    }

    it('writes are acknowledged without an fsync each; the commit fsyncs once, then writes the registry', async () => {
      const reg = new CheckpointRegistry(join(tmp.path, 'state'));
      const s = open(reg);
      await s.start();
      await withDatasync(false, async (calls) => {
        const before = calls();
        for (let i = 0; i < 5; i++) await s.write(events(i * 10, i * 10 + 10));
        expect(calls() - before, 'fsyncs while writing').to.equal(0);
        reg.advance('s', 50);
        await reg.commit();
        expect(calls() - before, 'fsyncs of the commit (the store file; the registry is written with a sync of its own)').to.be.at.least(1);
        const afterCommit = calls();
        await reg.commit(); // nothing changed: no barrier, no write
        expect(calls()).to.equal(afterCommit);
      });
      await s.stop();
      expect(readStore(join(tmp.path, 'events'))).to.have.length(50);
    });

    it('a failed fsync fails that commit and every later one (the registry keeps the last good positions), and the store says so in its health', async () => {
      const state = join(tmp.path, 'state');
      const reg = new CheckpointRegistry(state);
      const s = open(reg);
      await s.start();
      await s.write(events(0, 5));
      reg.advance('s', 5);
      await reg.commit();
      const committed = readFileSync(join(state, 'registry.json'), 'utf8');
      await s.write(events(5, 10));
      reg.advance('s', 10);
      await withDatasync(true, async () => {
        let err: Error | null = null;
        try { await reg.commit(); } catch (e) { err = e as Error; }
        expect(err?.message).to.match(/fsync failed.*EIO.*restart vigil/);
      });
      // the disk answers again: still no commit (the kernel may have dropped what it could not write)
      await s.write(events(10, 12));
      reg.advance('s', 12);
      let again: Error | null = null;
      try { await reg.commit(); } catch (e) { again = e as Error; }
      expect(again?.message).to.match(/fsync failed/);
      expect(readFileSync(join(state, 'registry.json'), 'utf8')).to.equal(committed);
      expect(s.health()).to.deep.include({ ok: false });
      await s.stop();
    });
  });
});

