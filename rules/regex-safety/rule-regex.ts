/**
 * A rule's `regex`, compiled for RE2 (the re2js engine): matching takes time linear in the input
 * whatever the pattern, so no pattern can backtrack catastrophically. The pattern is written as a
 * JavaScript regex (V8 must accept it, with V8's message when it does not) and rewritten in RE2
 * syntax by js-to-re2.ts; what RE2 lacks is a fault at its offset in the pattern.
 *
 * It runs as a one-pattern RE2Set, whose lazy DFA takes a memory cap: re2js's default is 8 MiB of
 * cached states per regex, which hostile messages fill (10 such regexes held 87 MB), too much for a
 * daemon with a 160 MB heap. With the cap the DFA starts over when full, still in linear time.
 */
import { RE2JS, RE2Set } from 're2js';
import { jsRegexToRe2, type RegexFault } from './js-to-re2';

export type { RegexFault } from './js-to-re2';

/** What a rule needs of its regex: does it match somewhere in this string. */
export interface RuleRegex {
  test(input: string): boolean;
}

/** The most memory a rule regex's DFA keeps (states it has built), in bytes. */
export const REGEX_DFA_MAX_BYTES = 256 * 1024;

/** A rule regex on RE2: one pattern in an unanchored RE2Set with a capped DFA. */
export class Re2RuleRegex implements RuleRegex {
  private readonly set: RE2Set;

  constructor(re2Source: string) {
    this.set = new RE2Set(RE2Set.UNANCHORED, 0, REGEX_DFA_MAX_BYTES);
    this.set.add(re2Source);
    this.set.compile();
  }

  test(input: string): boolean {
    return this.set.match(input).length > 0;
  }
}

const knownProperty = new Map<string, boolean>();

function re2KnowsProperty(re2: string): boolean {
  let ok = knownProperty.get(re2);
  if (ok === undefined) {
    try {
      RE2JS.compile(re2);
      ok = true;
    } catch {
      ok = false;
    }
    knownProperty.set(re2, ok);
  }
  return ok;
}

/** The pattern compiled for RE2, or the first problem with it and its offset in `pattern`. */
export function compileRuleRegex(pattern: string, flags = ''): { regex: RuleRegex } | { fault: RegexFault } {
  if (!/^[imsu]*$/.test(flags)) return { fault: { offset: 0, message: `regex flags ${JSON.stringify(flags)} may only use i, m, s and u` } };
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return { fault: { offset: 0, message: `invalid regex: ${(e as Error).message}` } };
  }
  const r = jsRegexToRe2(pattern, flags, re2KnowsProperty);
  if ('fault' in r) return r;
  try {
    return { regex: new Re2RuleRegex(r.source) };
  } catch (e) {
    return { fault: { offset: 0, message: `RE2 cannot compile this regex: ${(e as Error).message}` } };
  }
}
