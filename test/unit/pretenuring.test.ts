import { expect } from 'chai';
import { join } from 'node:path';
import v8 from 'node:v8';
import { turnOffPretenuring } from '../../src/runtime/pretenuring';
import { Daemon } from '../../src/runtime/daemon';
import { Metrics } from '../../src/core/metrics';
import { tempDir } from '../helpers/temp-dir';
import { testConfig } from '../helpers/config';
import { testLogger } from '../helpers/logger';

describe('allocation-site pretenuring is off in the daemon', () => {
  const run = (execArgv: string[] = [], nodeOptions = ''): { set: string[]; got: boolean } => {
    const set: string[] = [];
    const got = turnOffPretenuring({ execArgv, nodeOptions, set: (f) => set.push(f) });
    return { set, got };
  };

  it('turns it off by default', () => {
    expect(run()).to.deep.equal({ set: ['--no-allocation-site-pretenuring'], got: true });
  });

  it('a setting the user gave node wins (argv or NODE_OPTIONS)', () => {
    expect(run(['--allocation-site-pretenuring'])).to.deep.equal({ set: [], got: false });
    expect(run([], '--max-old-space-size=300 --no-allocation-site-pretenuring')).to.deep.equal({ set: [], got: false });
  });

  it('a daemon turns it off at start', async () => {
    const tmp = tempDir('pretenuring');
    const set: string[] = [];
    const real = v8.setFlagsFromString;
    v8.setFlagsFromString = (flags: string) => { set.push(flags); real(flags); };
    const daemon = new Daemon(testConfig(tmp.path, [join(tmp.path, '*.ndjson')]), { log: testLogger(), metrics: new Metrics() });
    try {
      await daemon.start();
      expect(set).to.include('--no-allocation-site-pretenuring');
    } finally {
      v8.setFlagsFromString = real;
      await daemon.stop();
      tmp.cleanup();
    }
  });
});
