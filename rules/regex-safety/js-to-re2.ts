/**
 * A rule's JavaScript regex rewritten in RE2's syntax, with JavaScript's meaning where RE2 reads the
 * same text otherwise: `.` leaves out \r, \u2028 and \u2029 as well as \n, `\s` is JavaScript's
 * whitespace, `[^]` is any character, `\A` or `\z` are plain letters. The pattern is parsed by
 * regexpp (the parser ESLint uses); what RE2 cannot run in linear time (backreferences, lookahead,
 * lookbehind) or cannot express (a repeat count above 1000, half a surrogate pair) is a fault at its
 * offset in the pattern. Capturing groups become plain groups: a rule only asks whether it matches.
 */
import { RegExpParser, type AST } from '@eslint-community/regexpp';

export interface RegexFault {
  offset: number;
  message: string;
}

/** RE2's largest repeat count (`{n,m}`). */
export const RE2_MAX_REPEAT = 1000;

const MAX_CP = 0x10ffff;
/** JavaScript's `\s`: WhiteSpace and LineTerminator (ECMA-262), as sorted ranges. */
const JS_SPACE: Array<[number, number]> = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
/** JavaScript's `.` without the s flag matches everything but these. */
const JS_LINE_TERMINATORS = '\\n\\r\\x{2028}\\x{2029}';

class Fault extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

interface Mode {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

function hex(cp: number): string {
  return `\\x{${cp.toString(16)}}`;
}

/** One character, written so that RE2 reads it as that character inside or outside a class. */
function char(cp: number): string {
  return /[0-9A-Za-z]/.test(String.fromCharCode(cp)) && cp < 0x80 ? String.fromCharCode(cp) : hex(cp);
}

function ranges(list: Array<[number, number]>): string {
  return list.map(([a, b]) => (a === b ? char(a) : `${char(a)}-${char(b)}`)).join('');
}

function complement(list: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [a, b] of list) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const isHigh = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdbff;
const isLow = (cp: number): boolean => cp >= 0xdc00 && cp <= 0xdfff;

function surrogateFault(node: AST.Node): Fault {
  return new Fault(
    node.start,
    'RE2 matches whole Unicode characters, not halves of a surrogate pair: give the regex the "u" flag to write a character outside the Basic Multilingual Plane here',
  );
}

function unsupported(node: AST.Node, what: string, lacks: string): Fault {
  return new Fault(node.start, `${what} "${node.raw}" is not supported: rule regexes run on RE2 (linear time whatever the input), which has no ${lacks}`);
}

class Writer {
  constructor(private readonly mode: Mode, private readonly propertyOk: (re2: string) => boolean) {}

  alternatives(alts: AST.Alternative[]): string {
    return alts.map((a) => this.sequence(a.elements)).join('|');
  }

  private sequence(elements: AST.Element[]): string {
    let out = '';
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i];
      const next = elements[i + 1];
      // outside the u flag, a character beyond the BMP is two elements: RE2 needs the whole code point
      if (e.type === 'Character' && isHigh(e.value) && next?.type === 'Character' && isLow(next.value)) {
        out += hex(0x10000 + ((e.value - 0xd800) << 10) + (next.value - 0xdc00));
        i++;
        continue;
      }
      out += this.element(e);
    }
    return out;
  }

  private element(e: AST.Element): string {
    switch (e.type) {
      case 'Character':
        if (isHigh(e.value) || isLow(e.value)) throw surrogateFault(e);
        return char(e.value);
      case 'CharacterSet':
        return this.set(e, false);
      case 'CharacterClass':
        return this.characterClass(e);
      case 'Quantifier':
        return this.quantifier(e);
      case 'Group':
        return this.group(e);
      case 'CapturingGroup':
        return `(?:${this.alternatives(e.alternatives)})`;
      case 'Backreference':
        throw unsupported(e, 'the backreference', 'backreferences');
      case 'Assertion':
        return this.assertion(e);
      default:
        throw new Fault((e as AST.Node).start, `RE2 cannot express "${(e as AST.Node).raw}"`);
    }
  }

  private assertion(a: AST.Assertion): string {
    switch (a.kind) {
      case 'start':
        return this.mode.multiline ? '(?m:^)' : '^';
      case 'end':
        return this.mode.multiline ? '(?m:$)' : '$';
      case 'word':
        return a.negate ? '\\B' : '\\b';
      case 'lookahead':
        throw unsupported(a, 'the lookahead', 'lookahead or lookbehind');
      case 'lookbehind':
        throw unsupported(a, 'the lookbehind', 'lookahead or lookbehind');
    }
  }

  private quantifier(q: AST.Quantifier): string {
    const { min, max } = q;
    if (min > RE2_MAX_REPEAT || (max !== Infinity && max > RE2_MAX_REPEAT)) {
      throw new Fault(q.element.end, `RE2 repeats a part at most ${RE2_MAX_REPEAT} times: "${q.raw.slice(q.element.end - q.start)}" asks for more (write {n,} for "n or more")`);
    }
    if (q.element.type === 'Character' && (isHigh(q.element.value) || isLow(q.element.value))) throw surrogateFault(q.element);
    const body = this.element(q.element);
    const single = ['Character', 'CharacterSet', 'CharacterClass', 'Group', 'CapturingGroup'].includes(q.element.type);
    const atom = single ? body : `(?:${body})`;
    let op: string;
    if (min === 0 && max === Infinity) op = '*';
    else if (min === 1 && max === Infinity) op = '+';
    else if (min === 0 && max === 1) op = '?';
    else if (max === Infinity) op = `{${min},}`;
    else if (min === max) op = `{${min}}`;
    else op = `{${min},${max}}`;
    return `${atom}${op}${q.greedy ? '' : '?'}`;
  }

  private group(g: AST.Group): string {
    if (!g.modifiers) return `(?:${this.alternatives(g.alternatives)})`;
    // (?ims-ims:…) of newer engines: RE2 knows i; m and s are carried in the mode for ^ $ and .
    const mode = { ...this.mode };
    const on = (f: AST.ModifierFlags | null, v: boolean): void => {
      if (!f) return;
      if (f.ignoreCase) mode.ignoreCase = v;
      if (f.multiline) mode.multiline = v;
      if (f.dotAll) mode.dotAll = v;
    };
    on(g.modifiers.add, true);
    on(g.modifiers.remove, false);
    const inner = new Writer(mode, this.propertyOk).alternatives(g.alternatives);
    return `(?${mode.ignoreCase ? 'i' : '-i'}:${inner})`;
  }

  private characterClass(c: AST.CharacterClass): string {
    if (c.unicodeSets) throw new Fault(c.start, 'RE2 has no set operations in classes (the "v" flag)');
    if (c.elements.length === 0) return c.negate ? `[${hex(0)}-${hex(MAX_CP)}]` : `[^${hex(0)}-${hex(MAX_CP)}]`;
    let body = '';
    for (const el of c.elements) {
      if (el.type === 'Character') {
        if (isHigh(el.value) || isLow(el.value)) throw surrogateFault(el);
        body += char(el.value);
      } else if (el.type === 'CharacterClassRange') {
        if (isHigh(el.min.value) || isLow(el.min.value)) throw surrogateFault(el.min);
        if (isHigh(el.max.value) || isLow(el.max.value)) throw surrogateFault(el.max);
        body += `${char(el.min.value)}-${char(el.max.value)}`;
      } else if (el.type === 'CharacterSet') {
        body += this.set(el, true);
      } else {
        const other = el as AST.Node;
        throw new Fault(other.start, `RE2 cannot express "${other.raw}" in a class`);
      }
    }
    return `[${c.negate ? '^' : ''}${body}]`;
  }

  /** `\d \w \s \p{…}` and `.`, inside a class (`inClass`: without brackets) or on their own. */
  private set(s: AST.CharacterSet, inClass: boolean): string {
    switch (s.kind) {
      case 'any':
        return this.mode.dotAll ? '(?s:.)' : `[^${JS_LINE_TERMINATORS}]`;
      case 'digit':
        return s.negate ? '\\D' : '\\d';
      case 'word':
        return s.negate ? '\\W' : '\\w';
      case 'space': {
        const r = ranges(s.negate ? complement(JS_SPACE) : JS_SPACE);
        return inClass ? r : `[${r}]`;
      }
      case 'property': {
        if (s.strings) throw new Fault(s.start, `RE2 has no properties of strings such as "${s.raw}"`);
        const name = s.value === null ? s.key : s.value;
        const re2 = `\\${s.negate ? 'P' : 'p'}{${name}}`;
        const keyOk = s.value === null || ['General_Category', 'gc', 'Script', 'sc'].includes(s.key);
        if (!keyOk || !this.propertyOk(re2)) {
          throw new Fault(s.start, `RE2 does not know the Unicode property "${s.raw}": it knows general categories by their short names (\\p{L}, \\p{Lu}, \\p{Nd}) and scripts (\\p{Greek}, \\p{Han})`);
        }
        return re2;
      }
    }
  }
}

/**
 * The pattern (already accepted by V8 with `flags`) in RE2 syntax, or the first construct RE2
 * cannot run with its offset. `propertyOk` says whether RE2 knows a `\p{…}` class.
 */
export function jsRegexToRe2(pattern: string, flags: string, propertyOk: (re2: string) => boolean): { source: string } | { fault: RegexFault } {
  const unicode = flags.includes('u');
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode });
  } catch (e) {
    const index = (e as { index?: number }).index;
    return { fault: { offset: typeof index === 'number' ? Math.min(index, pattern.length) : 0, message: `invalid regex: ${(e as Error).message}` } };
  }
  const mode: Mode = { ignoreCase: flags.includes('i'), multiline: flags.includes('m'), dotAll: flags.includes('s') };
  try {
    const body = new Writer(mode, propertyOk).alternatives(ast.alternatives);
    return { source: mode.ignoreCase ? `(?i:${body})` : body };
  } catch (e) {
    if (e instanceof Fault) return { fault: { offset: e.offset, message: e.message } };
    throw e;
  }
}
