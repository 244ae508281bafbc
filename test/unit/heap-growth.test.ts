import { expect } from 'chai';
import { tuneHeapGrowth } from '../../src/runtime/heap-growth';
import type { VigilConfig } from '../../src/runtime/config/types';

type Cfg = Pick<VigilConfig, 'elasticsearch' | 'inputs'>;
const fileInput = { type: 'file' } as unknown as VigilConfig['inputs'][number];
const esInput = { type: 'elasticsearch' } as unknown as VigilConfig['inputs'][number];
const esOutput = { hosts: ['http://127.0.0.1:9200'] } as unknown as VigilConfig['elasticsearch'];

describe('heap growth for daemons that talk to Elasticsearch', () => {
  const run = (cfg: Cfg, execArgv: string[] = [], nodeOptions = ''): { set: string[]; got: number | null } => {
    const set: string[] = [];
    const got = tuneHeapGrowth(cfg, { execArgv, nodeOptions, set: (f) => set.push(f) });
    return { set, got };
  };

  it('the embedded default (file input, local store) keeps V8\'s own factor', () => {
    expect(run({ inputs: [fileInput] })).to.deep.equal({ set: [], got: null });
  });

  it('an Elasticsearch output, or an Elasticsearch input (a fleet runner), lets the old generation grow by 100%', () => {
    expect(run({ inputs: [fileInput], elasticsearch: esOutput })).to.deep.equal({ set: ['--heap-growing-percent=100'], got: 100 });
    expect(run({ inputs: [esInput] })).to.deep.equal({ set: ['--heap-growing-percent=100'], got: 100 });
  });

  it('a factor the user gave node wins (argv or NODE_OPTIONS)', () => {
    expect(run({ inputs: [esInput] }, ['--heap-growing-percent=30'])).to.deep.equal({ set: [], got: null });
    expect(run({ inputs: [esInput] }, [], '--max-old-space-size=300 --heap-growing-percent=30')).to.deep.equal({ set: [], got: null });
  });
});
