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
 * step returned, and the snapshots at the middle, before the last step and at the end. (Since then the
 * detectors decide each change at the window end where it happened rather than at the watermark that
 * found it, so their conditions differ from the recorded ones; the snapshots are what is kept.)
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

/** the alerts a snapshot holds: the `fired` condition of each group that has one */
function firedIn(snapshot: unknown): unknown[] {
  const groups = (snapshot as { groups: { groups: Array<{ state: { fired?: unknown; firing?: boolean } }> } }).groups.groups;
  return groups.map((g) => g.state.fired).filter((f) => f !== null && f !== undefined);
}

describe('detector snapshots written by an older vigil', () => {
  for (const t of traces) {
    const name = `${t.cfg.type}${t.cfg.type === 'spike' ? ` (${t.cfg.direction})` : ''}`;

    it(`${name}: takes the old snapshots back as they were`, () => {
      for (const saved of [t.midSnapshot, t.lateSnapshot, t.finalSnapshot]) {
        const d = createDetector(t.cfg);
        d.restore(asJson(saved));
        // nothing lost or added: written again, byte for byte
        expect(JSON.stringify(d.snapshot())).to.equal(JSON.stringify(saved));
        if (t.cfg.type !== 'pattern') expect(asJson(d.firing())).to.deep.equal(firedIn(saved));
      }
      const end = createDetector(t.cfg);
      end.restore(asJson(t.finalSnapshot));
      expect(end.stats()).to.deep.equal(t.stats);
      expect(asJson(end.firing())).to.deep.equal(t.firing);
    });

    it(`${name}: goes on from an old snapshot to where a detector that never stopped gets`, () => {
      const steady = createDetector(t.cfg);
      for (const op of t.ops) step(steady, op);
      for (const [from, saved] of [[t.mid, t.midSnapshot], [t.ops.length - 1, t.lateSnapshot]] as const) {
        const d = createDetector(t.cfg);
        d.restore(asJson(saved));
        for (let i = from; i < t.ops.length; i++) step(d, t.ops[i]);
        expect(asJson(d.snapshot()), `restored at step ${from}`).to.deep.equal(asJson(steady.snapshot()));
        expect(asJson(d.firing())).to.deep.equal(asJson(steady.firing()));
        expect(d.stats()).to.deep.equal(steady.stats());
      }
    });
  }
});
