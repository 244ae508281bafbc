import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector } from '../../rules/detectors/create';
import type { Condition, Detector, DetectorConfig } from '../../rules/detectors/types';

/**
 * Detector state is kept in registry.json (`state.rules.<id>.detector`), so a vigil must take back what
 * an older vigil wrote. The fixture was recorded by the detectors as they were before they shared the
 * windowed-detector base: for each config, a stream of events (`[time, group]`, out of order, beyond
 * the lateness, past the group cap and the ttl) and watermarks (`[watermark]`), the conditions each
 * step returned, and the snapshots at the middle, before the last step and at the end.
 */
interface Trace {
  cfg: DetectorConfig;
  mid: number;
  ops: Array<[number, number] | [number]>;
  results: Condition[][];
  midSnapshot: unknown;
  lateSnapshot: unknown;
  finalSnapshot: unknown;
  firing: Condition[];
  stats: unknown;
}

const { traces } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'detector-traces.json'), 'utf8')) as { traces: Trace[] };

function step(d: Detector, op: Trace['ops'][number]): Condition[] {
  return op.length === 2 ? d.observe(op[0], `["h${op[1]}"]`, { host: `h${op[1]}` }) : d.advance(op[0]);
}

/** the snapshot as registry.json holds it (JSON has no -Infinity nor undefined) */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('detector snapshots written by an older vigil', () => {
  for (const t of traces) {
    const name = `${t.cfg.type}${t.cfg.type === 'spike' ? ` (${t.cfg.direction})` : ''}`;

    it(`${name}: decides as before and writes the same snapshot, byte for byte`, () => {
      const d = createDetector(t.cfg);
      t.ops.forEach((op, i) => {
        if (i === t.mid) expect(JSON.stringify(d.snapshot())).to.equal(JSON.stringify(t.midSnapshot));
        expect(asJson(step(d, op)), `step ${i}`).to.deep.equal(t.results[i]);
        if (i === t.ops.length - 2) expect(JSON.stringify(d.snapshot())).to.equal(JSON.stringify(t.lateSnapshot));
      });
      expect(asJson(d.snapshot())).to.deep.equal(t.finalSnapshot);
      expect(asJson(d.firing())).to.deep.equal(t.firing);
      expect(d.stats()).to.deep.equal(t.stats);
    });

    it(`${name}: restores the old snapshot and goes on as the old detector did`, () => {
      for (const [from, saved] of [[t.mid, t.midSnapshot], [t.ops.length - 1, t.lateSnapshot]] as const) {
        const d = createDetector(t.cfg);
        d.restore(asJson(saved));
        expect(asJson(d.snapshot()), `snapshot restored at step ${from}`).to.deep.equal(saved);
        for (let i = from; i < t.ops.length; i++) expect(asJson(step(d, t.ops[i])), `step ${i}`).to.deep.equal(t.results[i]);
        expect(asJson(d.snapshot())).to.deep.equal(t.finalSnapshot);
        expect(asJson(d.firing())).to.deep.equal(t.firing);
        expect(d.stats()).to.deep.equal(t.stats);
      }
    });
  }
});
