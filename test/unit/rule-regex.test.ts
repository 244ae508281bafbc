import { expect } from 'chai';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseRulesText } from '../../rules/load/rules-file';
import { validateWhere } from '../../rules/kql/validate-where';
import { compileRule } from '../../rules/compile-rule';
import { compileRuleRegex, Re2RuleRegex, type RuleRegex } from '../../rules/regex-safety/rule-regex';

function loadOne(pattern: string, flags = ''): ReturnType<typeof compileRule> {
  const yaml = `rules:\n  - id: r\n    type: pattern\n    regex: { field: message, pattern: ${JSON.stringify(pattern)}${flags ? `, flags: ${flags}` : ''} }\n`;
  const { rules, problems } = parseRulesText(yaml, 'rules.yaml', { validateWhere, env: {} });
  expect(problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).to.deep.equal([]);
  return compileRule(rules!.rules[0]);
}

function faultOf(pattern: string, flags = ''): { offset: number; message: string } | null {
  const r = compileRuleRegex(pattern, flags);
  return 'fault' in r ? r.fault : null;
}

describe('rule regexes run on RE2', () => {
  // Each pattern backtracks catastrophically in V8 on its message (`\d+\d+$` takes seconds on 3,000
  // digits); `vigil check` accepts it and the rule matches it with RE2, in time linear in the message.
  const hostile: Array<{ pattern: string; message: string; matches: boolean }> = [
    { pattern: '\\d+\\d+$', message: `${'1'.repeat(3000)}x`, matches: false },
    { pattern: '\\d+\\d+$', message: '1'.repeat(3000), matches: true },
    { pattern: '(a+)+$', message: `${'a'.repeat(3000)}!`, matches: false },
    { pattern: '(a|aa)+$', message: `${'a'.repeat(3000)}!`, matches: false },
    { pattern: '(.*a){12}', message: `${'a'.repeat(11)}${'b'.repeat(3000)}`, matches: false },
    { pattern: '(.*a){12}', message: `${'b'.repeat(3000)}${'a'.repeat(12)}`, matches: true },
    { pattern: '^error: (\\w+\\s?)+$', message: `error: ${'ab '.repeat(1000)}!`, matches: false },
    { pattern: '"(a|a)*"', message: `"${'a'.repeat(3000)}`, matches: false },
    { pattern: '([a-z]+)*@', message: 'x'.repeat(3000), matches: false },
    { pattern: '(?<word>[A-Z]+)*!', message: 'A'.repeat(3000), matches: false },
  ];
  for (const { pattern, message, matches } of hostile) {
    it(`${pattern} on ${message.length} characters: ${matches ? 'a match' : 'no match'}, on RE2`, () => {
      const rule = loadOne(pattern);
      expect(rule.regex).to.be.instanceOf(Re2RuleRegex);
      expect(rule.test({ message })).to.equal(matches);
    });
  }

  // what V8 would answer, on patterns and texts where JavaScript and RE2 syntax read differently
  const same: Array<[string, string, string[]]> = [
    ['a.b', '', ['a-b', 'a\nb', 'a\rb', 'a\u2028b', 'ab']],
    ['a.b', 's', ['a\nb', 'a\rb']],
    ['^x\\s+y$', '', ['x \t\v\f\u00a0\u3000\ufeffy', 'x\u0085y', 'xy']],
    ['[\\S]+', '', [' \t', ' a ']],
    ['^[^\\s\\d]$', '', ['a', '1', '\u00a0']],
    ['x[^]y|z[]', '', ['x\ny', 'z', 'zz']],
    ['\\A\\z\\Q\\E\\a\\8', '', ['AzQEa8', '\\A']],
    ['\\cJ\\0\\x41\\u00e9\\/\\-', '', ['\n\u0000A\u00e9/-', 'cJ0']],
    ['caf\\u00e9|NA\\u00cfVE', 'i', ['CAF\u00c9', 'na\u00efve', 'cafe']],
    ['^b$', 'm', ['a\nb\nc', 'abc']],
    ['(?<year>\\d{4})-(\\d\\d)', '', ['2026-01', '26-01']],
    ['\\bword\\b', '', ['a word.', 'swordfish']],
    ['\ud83d\ude00!', '', ['\ud83d\ude00!', '!']],
    ['\\u{1F600}+|\\p{Lu}\\p{Script=Greek}', 'u', ['\ud83d\ude00\ud83d\ude00', 'A\u03b1', 'a\u03b1']],
    ['[\\p{Nd}x]{2,3}?z', 'u', ['\u0661\u0662z', 'xz']],
    ['a{0}b{2}c{1,}d{2,3}', '', ['bbcdd', 'bbdd', 'abbcdd']],
    ['[a-c]*?q', 'i', ['BAq', 'dq', 'd']],
  ];
  for (const [pattern, flags, texts] of same) {
    it(`/${pattern}/${flags} answers as V8 does`, () => {
      const r = compileRuleRegex(pattern, flags);
      if (!('regex' in r)) throw new Error(r.fault.message);
      const v8 = new RegExp(pattern, flags);
      for (const t of texts) expect(r.regex.test(t), JSON.stringify(t)).to.equal(v8.test(t));
    });
  }

  it('the differences README names: Unicode case folding, line ends under the m flag', () => {
    // RE2 folds case the Unicode way (the long s folds to s); V8 without the u flag does not
    expect(new RegExp('s', 'i').test('\u017f')).to.equal(false);
    expect((compileRuleRegex('s', 'i') as { regex: RuleRegex }).regex.test('\u017f')).to.equal(true);
    // with m, RE2's ^ and $ see lines at \n only: a \r before the \n is part of the line
    expect(new RegExp('ok$', 'm').test('ok\r\nnext')).to.equal(true);
    expect((compileRuleRegex('ok$', 'm') as { regex: RuleRegex }).regex.test('ok\r\nnext')).to.equal(false);
    expect((compileRuleRegex('ok\\r?$', 'm') as { regex: RuleRegex }).regex.test('ok\r\nnext')).to.equal(true);
  });

  it('what RE2 lacks is an error at its offset in the pattern', () => {
    const noLookaround = 'is not supported: rule regexes run on RE2 (linear time whatever the input), which has no lookahead or lookbehind';
    const noBackrefs = 'is not supported: rule regexes run on RE2 (linear time whatever the input), which has no backreferences';
    expect(faultOf('^(\\w+) \\1$')).to.deep.equal({ offset: 7, message: `the backreference "\\1" ${noBackrefs}` });
    expect(faultOf('(?<w>x)-\\k<w>')).to.deep.equal({ offset: 8, message: `the backreference "\\k<w>" ${noBackrefs}` });
    expect(faultOf('foo(?=bar)')).to.deep.equal({ offset: 3, message: `the lookahead "(?=bar)" ${noLookaround}` });
    expect(faultOf('x|foo(?!bar)')).to.deep.equal({ offset: 5, message: `the lookahead "(?!bar)" ${noLookaround}` });
    expect(faultOf('[a-z](?<=a)b')).to.deep.equal({ offset: 5, message: `the lookbehind "(?<=a)" ${noLookaround}` });
    expect(faultOf('(?<!\\$)\\d+')).to.deep.equal({ offset: 0, message: `the lookbehind "(?<!\\$)" ${noLookaround}` });
    expect(faultOf('ab{2,1001}')).to.deep.equal({
      offset: 2,
      message: 'RE2 repeats a part at most 1000 times: "{2,1001}" asks for more (write {n,} for "n or more")',
    });
    expect(faultOf('ab{1000}c{5,}')).to.equal(null);
    expect(faultOf('x\\p{Letter}', 'u')?.offset).to.equal(1);
    expect(faultOf('x\\p{Letter}', 'u')?.message).to.match(/^RE2 does not know the Unicode property "\\p\{Letter\}"/);
    expect(faultOf('ab\ud83d\ude00+')?.offset).to.equal(2);
    expect(faultOf('ab\ud83d\ude00+', 'u')).to.equal(null);
  });

  it('hostile messages leave each regex at most its DFA cap of cached states', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // a[ab]{n}c needs 2^n DFA states: random a/b text keeps making new ones (and never matches)
    let seed = 7;
    let text = '';
    for (let i = 0; i < 1 << 17; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      text += seed & 0x10000 ? 'a' : 'b';
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    const regexes = [16, 17, 18, 19, 20].map((n) => (compileRuleRegex(`a[ab]{${n}}c`) as { regex: RuleRegex }).regex);
    for (const r of regexes) expect(r.test(text)).to.equal(false);
    gc();
    const held = process.memoryUsage().heapUsed - before;
    // 5 x 256 KiB of states and their bookkeeping; re2js's default cap (8 MiB each) held 19 MB here
    expect(regexes).to.have.length(5);
    expect(held).to.be.below(10e6);
  });

  it('V8 syntax errors and stateful flags stay errors', () => {
    expect(faultOf('(')).to.deep.equal({ offset: 0, message: 'invalid regex: Invalid regular expression: /(/: Unterminated group' });
    expect(faultOf('a', 'g')?.message).to.equal('regex flags "g" may only use i, m, s and u');
    expect(faultOf('a+b', 'imsu')).to.equal(null);
  });
});
