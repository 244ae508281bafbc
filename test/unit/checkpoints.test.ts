import { expect } from 'chai';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRegistry } from '../../src/core/checkpoints/registry';
import { AckTracker } from '../../src/core/checkpoints/ack-tracker';
import type { Span } from '../../src/core/event';
import { tempDir } from '../helpers/temp-dir';

const span = (source: string, start: number, end: number): Span => ({ source, start, end, pending: 1, events: [] });

describe('checkpoints', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir('ckpt'); });
  afterEach(() => tmp.cleanup());

  it('advances only to the end of the longest acknowledged prefix', () => {
    const reg = new CheckpointRegistry(tmp.path);
    const t = new AckTracker(reg);
    const a = span('f', 0, 10), b = span('f', 10, 25), c = span('f', 25, 40);
    t.issue(a); t.issue(b); t.issue(c);
    t.ack(b);
    expect(reg.get('f')).to.equal(undefined);
    t.ack(c);
    expect(reg.get('f')).to.equal(undefined);
    expect(t.outstanding('f')).to.equal(3);
    t.ack(a);
    expect(reg.get('f')!.offset).to.equal(40);
    expect(t.outstanding('f')).to.equal(0);
  });

  it('keeps sources apart', () => {
    const reg = new CheckpointRegistry(tmp.path);
    const t = new AckTracker(reg);
    const a = span('x', 0, 5), b = span('y', 0, 7), c = span('x', 5, 9);
    t.issue(a); t.issue(b); t.issue(c);
    t.ack(c); t.ack(b);
    expect(reg.get('x')).to.equal(undefined);
    expect(reg.get('y')!.offset).to.equal(7);
    t.ack(a);
    expect(reg.get('x')!.offset).to.equal(9);
  });

  it('stays correct over many spans acknowledged out of order', () => {
    const reg = new CheckpointRegistry(tmp.path);
    const t = new AckTracker(reg);
    const spans: Span[] = [];
    for (let i = 0; i < 5000; i++) { const s = span('f', i * 10, i * 10 + 10); spans.push(s); t.issue(s); }
    // acknowledge in a scrambled order; the mark must always be the contiguous prefix
    const order = spans.map((_, i) => i).sort((a, b) => ((a * 7919) % 5000) - ((b * 7919) % 5000));
    const acked = new Set<number>();
    for (const i of order) {
      t.ack(spans[i]);
      acked.add(i);
      let prefix = 0;
      while (acked.has(prefix)) prefix++;
      expect(reg.get('f')?.offset ?? 0).to.equal(prefix * 10);
    }
    expect(reg.get('f')!.offset).to.equal(50000);
  });

  it('a barrier runs after the snapshot and before the write: a position acknowledged during it waits for the next commit', async () => {
    const reg = new CheckpointRegistry(join(tmp.path, 'state'));
    const order: string[] = [];
    reg.addBarrier(async () => {
      order.push('barrier');
      reg.advance('s', 20); // acknowledged on data the barrier may not have synced
    });
    reg.advance('s', 10);
    await reg.commit();
    const saved = JSON.parse(readFileSync(reg.path, 'utf8')) as { sources: Record<string, { offset: number }> };
    expect(saved.sources.s.offset).to.equal(10);
    expect(order).to.deep.equal(['barrier']);
    expect(() => reg.commitSync()).to.throw(/barriers/);
  });

  it('commits atomically and reloads, with sink marks and state', async () => {
    const reg = new CheckpointRegistry(tmp.path);
    reg.advance('file:abc', 1234, { path: '/x.log' });
    let mark = 1;
    reg.provideSinkMark('event_store', () => ({ size: mark }));
    await reg.commit();
    mark = 2;
    await reg.commit();
    expect(reg.commits).to.equal(2);
    await reg.commit();
    expect(reg.commits, 'no write when nothing changed').to.equal(2);
    expect(readdirSync(tmp.path).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    const again = new CheckpointRegistry(tmp.path);
    again.load();
    expect(again.get('file:abc')!.offset).to.equal(1234);
    expect(again.get('file:abc')!.meta.path).to.equal('/x.log');
    expect(again.sinkMark('event_store')).to.deep.equal({ size: 2 });
    expect(JSON.parse(readFileSync(join(tmp.path, 'registry.json'), 'utf8')).written).to.be.a('string');
  });

  it('never moves an offset back', () => {
    const reg = new CheckpointRegistry(tmp.path);
    reg.advance('s', 100);
    reg.advance('s', 50);
    expect(reg.get('s')!.offset).to.equal(100);
  });

  it('refuses a corrupt registry instead of silently starting over', () => {
    writeFileSync(join(tmp.path, 'registry.json'), '{"sources": {"a": ');
    const reg = new CheckpointRegistry(tmp.path);
    expect(() => reg.load()).to.throw(/not valid JSON/);
    expect(existsSync(join(tmp.path, 'registry.json'))).to.equal(true);
  });

  it('forgets sources of one kind not seen for long while running, never those of another kind', () => {
    const reg = new CheckpointRegistry(tmp.path);
    const now = Date.now();
    reg.advance('file:old', 1);
    reg.advance('file:new', 1);
    reg.advance('winevt:Security', 1);
    reg.advance('evtx:abc', 1);
    for (const k of ['file:old', 'winevt:Security', 'evtx:abc']) reg.get(k)!.seen = now - 10_000;
    // just started after a long outage: nothing is old yet
    expect(reg.expire(5_000, { prefix: 'file:', since: now - 1_000, now })).to.equal(0);
    expect(reg.expire(5_000, { prefix: 'file:', since: now - 20_000, now })).to.equal(1);
    expect(reg.get('file:old')).to.equal(undefined);
    expect(reg.get('file:new')).to.not.equal(undefined);
    expect(reg.get('winevt:Security')).to.not.equal(undefined);
    expect(reg.get('evtx:abc')).to.not.equal(undefined);
  });
});
