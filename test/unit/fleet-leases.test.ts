import { strict as assert } from 'node:assert';
import { desiredOwner } from '../../src/runtime/fleet/rendezvous';
import { planRound, type ObservedLease, type RoundInput } from '../../src/runtime/fleet/round-plan';
import { VersionWatch } from '../../src/runtime/fleet/version-watch';
import { leaseTimes, resolveFleetLeaseOptions } from '../../src/runtime/fleet/config';
import type { LeaseDoc } from '../../src/runtime/fleet/lease-docs';

// Rendezvous choices used below, from the first 8 bytes of sha256(member "\0" rule) (r1: a 1349037482573808511,
// b 13837230353056834977): among [a, b], r1 → b and r3 → a; among [a, b, c], r2 → c.
const EXPIRE = 2000;
function lease(rule: string, owner: string | null, ageMs: number, token = 3): ObservedLease {
  const doc: LeaseDoc = { kind: 'lease', fleet: 'f', rule, owner, token, lease_ms: 3000, renewed_at: '2026-01-01T00:00:00Z' };
  return { doc, seqNo: 7, primaryTerm: 1, ageMs };
}
function input(over: Partial<RoundInput>): RoundInput {
  return { self: 'a', rules: [], members: [], leases: new Map(), held: new Set(), expireAfterMs: EXPIRE, ...over };
}
const liveB = { member: 'b', ageMs: 100, changes: 2 };

describe('fleet leases: rendezvous choice', () => {
  it('matches the hand-checked weights', () => {
    assert.equal(desiredOwner('r1', ['a', 'b']), 'b');
    assert.equal(desiredOwner('r3', ['a', 'b']), 'a');
    assert.equal(desiredOwner('r2', ['a', 'b', 'c']), 'c');
    assert.equal(desiredOwner('r1', []), undefined);
  });

  it('a member joining takes rules only for itself; the others keep theirs', () => {
    const rules = Array.from({ length: 300 }, (_, i) => `rule-${i}`);
    const moved = rules.filter((r) => desiredOwner(r, ['a', 'b', 'c']) !== desiredOwner(r, ['a', 'b', 'c', 'd']));
    assert.ok(moved.length > 0);
    assert.ok(moved.every((r) => desiredOwner(r, ['a', 'b', 'c', 'd']) === 'd'));
  });
});

describe('fleet leases: one round\'s plan', () => {
  it('a member counts as live only once its heartbeat changed under observation and while it is younger than the expiry', () => {
    const p = planRound(input({ members: [{ member: 'b', ageMs: 0, changes: 0 }, { member: 'c', ageMs: EXPIRE, changes: 4 }, { member: 'd', ageMs: 10, changes: 1 }] }));
    assert.deepEqual(p.live, ['a', 'd']);
  });

  it('a holder renews what it should own and releases to a live member that should own it', () => {
    const p = planRound(input({ rules: ['r1', 'r3'], members: [liveB], held: new Set(['r1', 'r3']) }));
    assert.deepEqual(p.renew, ['r3']);
    assert.deepEqual(p.release, ['r1']);
  });

  it('a held rule removed from the rules is released', () => {
    const p = planRound(input({ rules: ['r3'], held: new Set(['r3', 'gone']) }));
    assert.deepEqual(p.release, ['gone']);
    assert.deepEqual(p.renew, ['r3']);
  });

  it('a rule without a lease is created by its desired owner only', () => {
    assert.deepEqual(planRound(input({ rules: ['r1', 'r3'], members: [liveB] })).create, ['r3']);
  });

  it('another member\'s lease is taken by the desired owner once expired, by anyone once abandoned, never before', () => {
    const at = (age: number, rule: string) => planRound(input({ rules: [rule], members: [liveB], leases: new Map([[rule, lease(rule, 'x', age)]]) })).takeover.map((t) => t.rule);
    assert.deepEqual(at(EXPIRE - 1, 'r3'), []);
    assert.deepEqual(at(EXPIRE, 'r3'), ['r3']);
    assert.deepEqual(at(EXPIRE, 'r1'), []);
    assert.deepEqual(at(2 * EXPIRE - 1, 'r1'), []);
    assert.deepEqual(at(2 * EXPIRE, 'r1'), ['r1']);
  });

  it('a live owner\'s lease is never taken: its version keeps changing, so its age stays young', () => {
    const p = planRound(input({ rules: ['r3'], members: [liveB], leases: new Map([['r3', lease('r3', 'b', EXPIRE - 1)]]) }));
    assert.deepEqual(p.takeover, []);
  });

  it('a released lease is taken at once by its desired owner, by another one only once abandoned', () => {
    const free = (rule: string, age: number) => planRound(input({ rules: [rule], members: [liveB], leases: new Map([[rule, lease(rule, null, age)]]) })).takeover.map((t) => t.rule);
    assert.deepEqual(free('r3', 0), ['r3']);
    assert.deepEqual(free('r1', EXPIRE), []);
    assert.deepEqual(free('r1', 2 * EXPIRE), ['r1']);
  });
});

describe('fleet leases: version ages on one clock', () => {
  it('ages run from the first read of a version; documents of the first read count no change until they change', () => {
    const w = new VersionWatch();
    assert.deepEqual(w.observe('old', '1:5', 1000, true), { ageMs: 0, changes: 0 });
    assert.deepEqual(w.observe('old', '1:5', 3500, false), { ageMs: 2500, changes: 0 });
    assert.deepEqual(w.observe('old', '1:9', 4000, false), { ageMs: 0, changes: 1 });
    assert.deepEqual(w.observe('old', '1:9', 4700, false), { ageMs: 700, changes: 1 });
    assert.deepEqual(w.observe('new', '1:12', 4700, false), { ageMs: 0, changes: 1 });
    w.keepOnly(new Set(['new']));
    assert.deepEqual(w.observe('old', '1:9', 5000, false), { ageMs: 0, changes: 1 });
  });
});

describe('fleet leases: options', () => {
  it('defaults: 30 s lease, renewed every 10 s, expired after 19 s unchanged, an owner acting 17.1 s after a renewal it sent', () => {
    const o = resolveFleetLeaseOptions();
    assert.equal(o.lease_ms, 30_000);
    assert.deepEqual(leaseTimes(o), { renewMs: 10_000, expireAfterMs: 19_000, ownerValidMs: 17_100 });
  });

  it('a version first read a period after its writing expires within lease_ms of it, though reads come a little early', () => {
    for (const lease_ms of [4000, 30_000, 10_000, 500]) {
      const t = leaseTimes(resolveFleetLeaseOptions({ lease_ms }));
      const w = new VersionWatch();
      // written at 0, first read one period later; the rounds' reads then come up to 3 ms early each
      const written = 0;
      let read = written + t.renewMs;
      w.observe('r', '1:1', read, false);
      let expiredAt = -1;
      for (let round = 1; round < 10 && expiredAt < 0; round++) {
        read += t.renewMs - 3;
        if (w.observe('r', '1:1', read, false).ageMs >= t.expireAfterMs) expiredAt = read;
      }
      assert.ok(expiredAt > 0 && expiredAt - written <= lease_ms, `lease_ms ${lease_ms}: expired ${expiredAt - written} ms after its writing`);
      // and never before an owner that sent that renewal stopped acting (read right after its writing, clocks equal)
      assert.ok(t.ownerValidMs < t.expireAfterMs);
    }
  });

  it('a bad value is named with its option', () => {
    assert.throws(() => resolveFleetLeaseOptions({ lease_ms: 100 }), /fleet\.leases\.lease_ms: must be an integer of at least 500 \(got 100\)/);
    assert.throws(() => resolveFleetLeaseOptions({ renew_fraction: 0.9 }), /fleet\.leases\.renew_fraction/);
    assert.throws(() => resolveFleetLeaseOptions({ index: 'Bad Index' }), /fleet\.leases\.index/);
  });
});
