import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chunkRecords } from '../../collectors/evtx/format/chunk-records';
import { ChunkDecoder } from '../../collectors/evtx/format/binxml';
import { fieldsPlan, planFields, valuePlan } from '../../collectors/evtx/format/record-fields';
import { MAX_EXPANDED_SIZE } from '../../collectors/evtx/format/expanded-size';
import { instantiate, tattr, type SubValue, type TElem, type TPart } from '../../collectors/evtx/format/template-nodes';
import { newStats } from '../../collectors/evtx/format/types';
import { eventFieldsOf } from '../../collectors/windows-event/event-fields';
import { eventFieldsDoc, windowsEventDoc } from '../../collectors/windows-event/event-mapping';
import type { XmlElement } from '../../collectors/windows-event/xml-tree';

const DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'evtx');
const CHUNK = 65536;
const ctx = { hostName: 'h', ingested: '2026-01-01T00:00:00.000Z' };

function evtxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? evtxFiles(p) : n.endsWith('.evtx') ? [p] : [];
  });
}

const el = (name: string, children: TPart[], attrs: [string, (string | TPart)[]][] = []): TElem =>
  ({ k: 'e', name, attrs: attrs.map(([n, p]) => tattr(n, p as never)), children, only: -2 });
const sub = (index: number): TPart => ({ k: 's', index, type: 1, optional: true });

/** The fields read straight from a template's values, and what the tree gives, for one made-up record. */
function both(template: TPart[], values: SubValue[]): { direct: ReturnType<typeof planFields>; tree: XmlElement } {
  const plan = fieldsPlan(template);
  expect(plan, 'the template gets a plan').to.not.equal(null);
  const direct = planFields(plan!, values, MAX_EXPANDED_SIZE, (t) => valuePlan(t));
  const tree = instantiate(template, values).find((n): n is XmlElement => typeof n !== 'string')!;
  return { direct, tree };
}

describe('evtx: event fields read straight from template values', () => {
  it('gives, for every record of the shared samples, the document the element tree gives', function () {
    this.timeout(120000);
    let direct = 0;
    let viaTree = 0;
    for (const file of evtxFiles(DATA).sort()) {
      const data = readFileSync(file);
      for (let off = 4096, i = 0; off + CHUNK <= data.length; off += CHUNK, i++) {
        const records = chunkRecords(data.subarray(off, off + CHUNK), { chunkIndex: i, fileOffset: off, verifyChecksums: true, stats: newStats(), report: () => undefined });
        for (const r of records) {
          if (!r.fields) { viaTree++; continue; }
          direct++;
          expect(r.fields, `${file} record ${r.recordId}`).to.deep.equal(eventFieldsOf(r.tree));
          expect(eventFieldsDoc(r.fields, ctx), `${file} record ${r.recordId}`).to.deep.equal(windowsEventDoc(r.tree, ctx));
        }
      }
    }
    // the direct way is the usual one (a few templates hold UserData or arrays), so this compared something
    expect(direct).to.be.greaterThan(20000);
    expect(direct / (direct + viaTree)).to.be.greaterThan(0.9);
  });

  it('keeps the tree\'s reading of names, duplicates, unnamed data, Binary and empty values', () => {
    const system = el('System', [
      el('Provider', [], [['Name', [sub(0)]], ['Guid', ['{ABC}']]]), el('EventID', [' ', sub(1), ' ']), el('EventID', ['9']),
      el('Channel', ['Sec', sub(2)]), el('TimeCreated', [], [['SystemTime', [sub(3)]]]),
    ]);
    const eventData = el('EventData', [
      el('Data', [sub(4)], [['Name', ['A']]]), el('Data', [sub(5)]), el('Data', [sub(6)], [['Name', ['A']]]), el('Data', [sub(7)]),
      el('Binary', [sub(8)]), el('Data', ['x', sub(9), 'y'], [['Name', [sub(10)]]]),
    ]);
    const template: TPart[] = [' ', el('Event', [system, eventData])];
    const values: SubValue[] = ['Prov', '4624', 'urity', '2016-07-08T18:12:51.1234567Z', 'a1', '', 'a2', 'p2', '0A0B', { k: 'null' }, ''];
    const { direct, tree } = both(template, values);
    expect(direct).to.deep.equal(eventFieldsOf(tree));
    expect(direct!.eventData).to.deep.equal({ A: 'a2', param2: 'p2', Binary: '0A0B', param3: 'xy' });
    expect(direct!.eventId).to.equal('4624');
  });

  it('reads EventData from a Binary XML value with its own template, and falls back to the tree for arrays and UserData', () => {
    const inner: TPart[] = [el('EventData', [el('Data', [sub(0)], [['Name', ['User']]]), el('Data', [sub(1)], [['Name', ['Ip']]])])];
    const innerValues: SubValue[] = ['bob', '10.0.0.1'];
    const value = { k: 'xml' as const, get nodes() { return instantiate(inner, innerValues); }, instance: { defOff: 1, template: inner, values: innerValues } };
    const template: TPart[] = [el('Event', [el('System', [el('EventID', [sub(0)])]), sub(1)])];
    const { direct, tree } = both(template, ['4625', value]);
    expect(direct!.eventData).to.deep.equal({ User: 'bob', Ip: '10.0.0.1' });
    expect(direct).to.deep.equal(eventFieldsOf(tree));
    // an array value repeats its element in the tree: the tree decides
    expect(both(template, ['4625', { k: 'array', items: ['a', 'b'] }]).direct).to.equal(undefined);
    const withUserData: TPart[] = [el('UserData', [el('LogFileCleared', [el('SubjectUserName', [sub(0)])])])];
    const ud = { k: 'xml' as const, get nodes() { return instantiate(withUserData, ['x']); }, instance: { defOff: 2, template: withUserData, values: ['x'] as SubValue[] } };
    expect(both(template, ['1102', ud]).direct).to.equal(undefined);
    // a System element coming from a value before the template's own: the tree decides
    const sysFirst: TPart[] = [el('Event', [sub(1), el('System', [el('EventID', [sub(0)])])])];
    const sysValue = { k: 'xml' as const, get nodes() { return instantiate([el('System', [el('EventID', ['1'])])], []); } };
    expect(both(sysFirst, ['2', sysValue]).direct).to.equal(undefined);
  });

  it('leaves records that would expand too far to the tree (which rejects them)', () => {
    const template: TPart[] = [el('Event', [el('EventData', Array.from({ length: 70 }, () => el('Data', [sub(0)], [['Name', [sub(1)]]])))])];
    const big = 'x'.repeat(65000);
    const plan = fieldsPlan(template)!;
    expect(planFields(plan, [big, 'n'], MAX_EXPANDED_SIZE, () => null)).to.equal(undefined);
    expect(planFields(plan, ['small', 'n'], MAX_EXPANDED_SIZE, () => null)!.eventData).to.deep.equal({ n: 'small' });
  });

  it('gives the same documents with code generation disallowed (EventData built without compiled builders)', function () {
    this.timeout(60000);
    const script = `
      const { chunkRecords } = require(${JSON.stringify(join(__dirname, '..', '..', 'collectors', 'evtx', 'format', 'chunk-records'))});
      const { newStats } = require(${JSON.stringify(join(__dirname, '..', '..', 'collectors', 'evtx', 'format', 'types'))});
      const { eventFieldsOf } = require(${JSON.stringify(join(__dirname, '..', '..', 'collectors', 'windows-event', 'event-fields'))});
      const { isDeepStrictEqual } = require('node:util');
      const data = require('node:fs').readFileSync(process.argv[1]);
      let n = 0, bad = 0;
      for (let off = 4096, i = 0; off + 65536 <= data.length; off += 65536, i++)
        for (const r of chunkRecords(data.subarray(off, off + 65536), { chunkIndex: i, fileOffset: off, verifyChecksums: true, stats: newStats(), report: () => {} }))
          if (r.fields) { n++; if (!isDeepStrictEqual(JSON.parse(JSON.stringify(r.fields)), JSON.parse(JSON.stringify(eventFieldsOf(r.tree))))) bad++; }
      console.log(JSON.stringify({ n, bad }));`;
    const file = evtxFiles(DATA).sort().find((f) => statSync(f).size > 1_000_000)!;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script, file], { encoding: 'utf8' });
    const { n, bad } = JSON.parse(out.trim()) as { n: number; bad: number };
    expect(n).to.be.greaterThan(100);
    expect(bad).to.equal(0);
  });

  it('decodes a chunk\'s template values without instantiating (decodeInstance) as decodeRecord reads them', () => {
    const file = evtxFiles(DATA).sort().find((f) => statSync(f).size > 1_000_000)!;
    const chunk = readFileSync(file).subarray(4096, 4096 + CHUNK);
    const decoder = new ChunkDecoder(Buffer.from(chunk));
    const size = chunk.readUInt32LE(512 + 4);
    const inst = decoder.decodeInstance(512 + 24, 512 + size - 4)!;
    expect(instantiate(inst.template, inst.values)).to.deep.equal(new ChunkDecoder(Buffer.from(chunk)).decodeRecord(512 + 24, 512 + size - 4));
  });
});
