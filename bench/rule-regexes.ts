/**
 * What running rule regexes on RE2 (re2js) costs next to V8's backtracking engine: time per match on
 * the rules bench's messages for the bench's regex and a few patterns typical of log rules, a hostile
 * message (3,000 digits through `\d+\d+$`, the case that made Vigil switch), and the time to load a
 * rules file with 100 regex rules.
 */
import { parseRulesText } from '../rules/load/rules-file';
import { validateWhere } from '../rules/kql/validate-where';
import { compileRuleRegex, type RuleRegex } from '../rules/regex-safety/rule-regex';
import { events } from './rules-engine';

const PATTERNS: Array<[string, string]> = [
  ['failed to log on|locked out 14', ''],
  ['java\\.lang\\.OutOfMemoryError|ENOMEM', ''],
  ['^request \\d+ finished in \\d{3} ms$', ''],
  ['timeout|refused', 'i'],
  ['finished in \\d+ ms', ''],
  ['\\bfailed\\b.*\\blog on\\b', ''],
];

function re2(pattern: string, flags: string): RuleRegex {
  const r = compileRuleRegex(pattern, flags);
  if ('fault' in r) throw new Error(`${pattern}: ${r.fault.message}`);
  return r.regex;
}

/** Nanoseconds per `test`, over the messages in turn (best of 3 after a warm-up). */
function nsPerMatch(test: (s: string) => boolean, messages: string[], n: number): number {
  for (let i = 0; i < 100_000; i++) test(messages[i % messages.length]);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) test(messages[i % messages.length]);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  }
  return best;
}

function msSince(t: bigint): number {
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export function ruleRegexesBench(out: (s: string) => void): void {
  const messages = events(2000).map((e) => String(e.message));
  const n = Number(process.env.VIGIL_BENCH_REGEX_MATCHES ?? 1_000_000);
  out(`\n## rule regexes: V8 (backtracking) vs RE2 (re2js, what rules run on), per match on the bench's messages\n`);
  for (const [pattern, flags] of PATTERNS) {
    const v8 = new RegExp(pattern, flags);
    const r = re2(pattern, flags);
    const a = nsPerMatch((s) => v8.test(s), messages, n);
    const b = nsPerMatch((s) => r.test(s), messages, n);
    out(`${`/${pattern}/${flags}`.padEnd(42)} V8 ${a.toFixed(0).padStart(5)} ns   RE2 ${b.toFixed(0).padStart(5)} ns   x${(b / a).toFixed(1)}\n`);
  }
  const hostile = `${'1'.repeat(3000)}x`;
  const safe = re2('\\d+\\d+$', '');
  let t = process.hrtime.bigint();
  safe.test(hostile);
  const re2Ms = msSince(t);
  let v8Line = 'V8 not run (VIGIL_BENCH_REGEX_V8_HOSTILE=0)';
  if (process.env.VIGIL_BENCH_REGEX_V8_HOSTILE !== '0') {
    t = process.hrtime.bigint();
    /\d+\d+$/.test(hostile);
    v8Line = `V8 ${msSince(t).toFixed(0)} ms`;
  }
  out(`hostile: /\\d+\\d+$/ on 3,000 digits and an "x": RE2 ${re2Ms.toFixed(2)} ms, ${v8Line}\n`);
  const yaml = ['rules:'];
  for (let i = 0; i < 100; i++) {
    const [pattern, flags] = PATTERNS[i % PATTERNS.length];
    yaml.push(`  - id: r${i}`, '    type: pattern', `    regex: { field: message, pattern: ${JSON.stringify(`${pattern}|rule ${i}`)}${flags ? `, flags: ${flags}` : ''} }`);
  }
  t = process.hrtime.bigint();
  const { problems } = parseRulesText(`${yaml.join('\n')}\n`, 'bench-rules.yaml', { validateWhere, env: {} });
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  out(`load: a rules file with 100 regex rules in ${msSince(t).toFixed(0)} ms (parse, schema, regexes compiled for RE2)\n`);
}

if (require.main === module) ruleRegexesBench((s) => process.stdout.write(s));
