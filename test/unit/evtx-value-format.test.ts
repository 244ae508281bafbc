import { expect } from 'chai';
import { formatFiletime, formatFiletimeAt, formatGuid } from '../../collectors/evtx/format/value-format';

describe('evtx: value renderings', () => {
  it('renders a FILETIME read from bytes (no BigInt) as the BigInt path does, at the edges of its ranges too', () => {
    const buf = Buffer.alloc(8);
    let seed = 11;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
    const ticks: bigint[] = [0n, 1n, 9999999n, 10000000n, 116444736000000000n, 116444736000000000n - 1n, 131440000000000000n + 9999999n,
      (0x3fffffffn << 32n) | 0xffffffffn, 0x40000000n << 32n, 0xffffffffffffffffn, 2650467743999999999n];
    for (let i = 0; i < 20000; i++) ticks.push((BigInt(rnd() % 0x40000000) << 32n) | BigInt(rnd() * 2 + (rnd() & 1)));
    // whole seconds and the tick before: where a floored quotient could be one off
    for (let i = 0; i < 2000; i++) {
      const whole = BigInt(rnd()) * BigInt(rnd() % 200000) * 10000000n;
      ticks.push(whole, whole > 0n ? whole - 1n : 0n);
    }
    for (const t of ticks) {
      buf.writeBigUInt64LE(t & 0xffffffffffffffffn);
      expect(formatFiletimeAt(buf, 0), String(t)).to.equal(formatFiletime(t & 0xffffffffffffffffn));
    }
    buf.writeBigUInt64LE(131440000006816410n);
    expect(formatFiletimeAt(buf, 0)).to.equal('2017-07-08T15:06:40.6816410Z');
  });

  it('renders a GUID as Windows prints it', () => {
    const b = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(formatGuid(b, 0)).to.equal('{33221100-5544-7766-8899-AABBCCDDEEFF}');
  });
});
