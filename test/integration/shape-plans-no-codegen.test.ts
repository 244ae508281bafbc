import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { planStats } from '../../collectors/ndjson/shape-plans';
import { lineContext, reference } from '../helpers/ndjson-reference';

// A node started with code generation disallowed (a child process): the other shape-plan tests are test/unit/shape-plans.test.ts.

describe('compiled shape plans', () => {
  it('leave the lines to the general shaping where code generation is disallowed', () => {
    const line = JSON.stringify({ level: 30, time: 1767225600000, pid: 42, hostname: 'web-01', msg: 'done' });
    const script = `
      const { normaliseNdjsonLine } = require(${JSON.stringify(join(__dirname, '..', '..', 'collectors', 'ndjson', 'ndjson.js'))});
      const { planStats } = require(${JSON.stringify(join(__dirname, '..', '..', 'collectors', 'ndjson', 'shape-plans.js'))});
      const c = ${JSON.stringify(lineContext())};
      let out = '';
      for (let i = 0; i < 30; i++) out = JSON.stringify(normaliseNdjsonLine(Buffer.from(${JSON.stringify(line)}), c));
      process.stdout.write(JSON.stringify({ out, planStats }));`;
    const r = JSON.parse(execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' })) as { out: string; planStats: typeof planStats };
    expect(r.planStats).to.deep.equal({ planned: 0, compiled: 0, dropped: 0 });
    expect(r.out).to.equal(reference(line, lineContext()));
  });
});
