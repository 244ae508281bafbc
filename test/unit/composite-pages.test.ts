import { expect } from 'chai';
import { compositePages } from '../../sinks/elasticsearch/composite-pages';

describe('composite aggregation pages', () => {
  async function collect(answers: Array<{ buckets?: number[]; after_key?: Record<string, unknown> } | undefined>, pageSize: number): Promise<{ pages: number[][]; asked: unknown[] }> {
    const asked: unknown[] = [];
    const pages: number[][] = [];
    for await (const p of compositePages<number>(pageSize, async (after) => { asked.push(after); return answers[asked.length - 1]; })) pages.push(p);
    return { pages, asked };
  }

  it('asks for the next page after the last key until a page is short', async () => {
    const r = await collect([{ buckets: [1, 2], after_key: { k: 2 } }, { buckets: [3, 4], after_key: { k: 4 } }, { buckets: [5], after_key: { k: 5 } }], 2);
    expect(r.pages).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect(r.asked).to.deep.equal([undefined, { k: 2 }, { k: 4 }]);
  });

  it('stops at a page without an after_key, or without an aggregation at all', async () => {
    expect((await collect([{ buckets: [1, 2] }], 2)).pages).to.deep.equal([[1, 2]]);
    expect(await collect([undefined], 2)).to.deep.equal({ pages: [[]], asked: [undefined] });
  });
});
