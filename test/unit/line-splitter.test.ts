import { expect } from 'chai';
import { LineSplitter } from '../../collectors/file/line-splitter';

type Line = [string, number, number, boolean];

function run(chunks: Buffer[], max = 1024, start = 0): { lines: Line[]; s: LineSplitter } {
  const s = new LineSplitter(max, start);
  const lines: Line[] = [];
  for (const c of chunks) s.push(c, (l, a, b, t, txt) => lines.push([txt ?? l!.toString('latin1'), a, b, t]));
  return { lines, s };
}

describe('LineSplitter', () => {
  it('cuts lines and reports where each starts and the next begins', () => {
    const { lines, s } = run([Buffer.from('ab\ncde\n\nf')]);
    expect(lines).to.deep.equal([['ab', 0, 3, false], ['cde', 3, 7, false], ['', 7, 8, false]]);
    expect(s.lineStart).to.equal(8);
    expect(s.pendingBytes).to.equal(1);
  });

  it('holds a partial line until its newline comes, across chunks', () => {
    const { lines, s } = run([Buffer.from('{"a":'), Buffer.from('1'), Buffer.from('}\n{"b"'), Buffer.from(':2}\n')], 1024, 100);
    expect(lines).to.deep.equal([['{"a":1}', 100, 108, false], ['{"b":2}', 108, 116, false]]);
    expect(s.pendingBytes).to.equal(0);
  });

  it('keeps the first max bytes of a long line, marks it, and keeps later offsets right', () => {
    const long = 'x'.repeat(50);
    const { lines } = run([Buffer.from(`a\n${long.slice(0, 20)}`), Buffer.from(long.slice(20, 45)), Buffer.from(`${long.slice(45)}\nb\n`)], 10);
    expect(lines).to.deep.equal([['a', 0, 2, false], ['x'.repeat(10), 2, 53, true], ['b', 53, 55, false]]);
  });

  it('marks a long line inside one chunk', () => {
    const { lines } = run([Buffer.from(`${'y'.repeat(30)}\nz\n`)], 8);
    expect(lines).to.deep.equal([['y'.repeat(8), 0, 31, true], ['z', 31, 33, false]]);
  });

  it('a line of exactly max bytes is not truncated', () => {
    const { lines } = run([Buffer.from('12345678\n')], 8);
    expect(lines).to.deep.equal([['12345678', 0, 9, false]]);
  });

  it('does not keep a reference to the caller\'s buffer for a carried line', () => {
    const s = new LineSplitter(1024);
    const buf = Buffer.from('hello');
    const got: string[] = [];
    s.push(buf, () => undefined);
    buf.fill(0x21);
    s.push(Buffer.from(' world\n'), (l, _a, _b, _t, txt) => got.push(txt ?? l!.toString()));
    expect(got).to.deep.equal(['hello world']);
  });

  it('gives ASCII lines as text and other lines as bytes', () => {
    const s = new LineSplitter(1024);
    const got: Array<[string, string]> = [];
    const h = (l: Buffer | null, _a: number, _b: number, _t: boolean, txt?: string) => got.push(l === null ? ['text', txt!] : ['bytes', l.toString()]);
    s.push(Buffer.from('plain\nascii\n'), h);
    s.push(Buffer.from('caf\u00e9\n'), h);
    expect(got).to.deep.equal([['text', 'plain'], ['text', 'ascii'], ['bytes', 'caf\u00e9']]);
  });

  it('flush emits the last line without newline and moves on', () => {
    const { lines, s } = run([Buffer.from('a\nlast')]);
    const flushed: Line[] = [];
    s.flush((l, a, b, t) => flushed.push([l!.toString(), a, b, t]));
    expect(lines).to.deep.equal([['a', 0, 2, false]]);
    expect(flushed).to.deep.equal([['last', 2, 6, false]]);
    expect(s.lineStart).to.equal(6);
    s.flush(() => { throw new Error('nothing to flush'); });
  });
});
