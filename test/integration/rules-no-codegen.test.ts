import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { compileMatcher, parseKql } from '../../rules/kql';
import { compileFieldVisitor, compileGroupValueReader } from '../../rules/field-path';

// Field paths are read by a function generated per path (rules/field-path.ts) where code generation is
// allowed, by closures where it is not (a child process started with it disallowed): the same answers.

const QUERIES = ['event.code: 4625', 'log.level: (error or fatal)', 'host.name: web*', 'user.name: *', 'not event.code: 1',
  'message: panic*', 'http.response.status_code >= 500', 'constructor.name: x'];
const DOCS: Array<Record<string, unknown>> = [
  { event: { code: '4625' }, log: { level: 'error' }, host: { name: 'web-1' }, message: 'panic: boom' },
  { event: { code: 4625 }, 'log.level': 'fatal', host: [{ name: 'db' }, { name: 'web-2' }], user: { name: null } },
  { event: [{ code: '1' }, { code: '4625' }], log: { level: ['info', 'error'] }, http: { response: { status_code: '503' } } },
  { 'event.code': '4625', event: { code: '7' }, user: { name: 'bob' }, 'http.response': { status_code: 200 } },
  { event: 'not an object', host: { name: { first: 'web' } }, constructor: { name: 'x' } },
  {},
];
const GROUP_PATHS = ['host.name', 'event.code', 'user.name', 'http.response.status_code', 'constructor.name'];

function answers(compile: typeof compileMatcher, parse: typeof parseKql, reader: typeof compileGroupValueReader): unknown {
  return {
    matches: QUERIES.map((q) => DOCS.map((d) => compile(parse(q))(d))),
    groups: GROUP_PATHS.map((p) => DOCS.map((d) => reader(p)(d))),
  };
}

describe('rule field paths without code generation', () => {
  it('read the same values as the generated readers', () => {
    const dist = join(__dirname, '..', '..');
    const script = `
      const { compileMatcher, parseKql } = require(${JSON.stringify(join(dist, 'rules', 'kql', 'index.js'))});
      const { compileGroupValueReader } = require(${JSON.stringify(join(dist, 'rules', 'field-path.js'))});
      const QUERIES = ${JSON.stringify(QUERIES)}, DOCS = ${JSON.stringify(DOCS)}, GROUP_PATHS = ${JSON.stringify(GROUP_PATHS)};
      const answers = ${answers.toString()};
      const { compileFieldVisitor } = require(${JSON.stringify(join(dist, 'rules', 'field-path.js'))});
      process.stdout.write(JSON.stringify({ generated: compileFieldVisitor('event.code').name === 'visit', ...answers(compileMatcher, parseKql, compileGroupValueReader) }));`;
    const child = JSON.parse(execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' })) as unknown;
    const here = answers(compileMatcher, parseKql, compileGroupValueReader);
    expect(compileFieldVisitor('event.code').name).to.equal('visit'); // generated here
    expect(child).to.deep.equal({ generated: false, ...(here as object) }); // not there
    // and they are what a reader of the documents expects
    expect((here as { matches: boolean[][] }).matches[0]).to.deep.equal([true, true, true, true, false, false]);
    expect((here as { matches: boolean[][] }).matches[7]).to.deep.equal([false, false, false, false, true, false]);
  });
});
