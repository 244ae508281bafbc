/**
 * A small parser of JavaScript regexes into the tree the backtracking analysis needs: character
 * sets, sequences, alternatives and repetitions (with their span in the pattern). Lookarounds,
 * anchors and back-references become `empty`; `u`/`v`-flag class syntax is not analysed (throws).
 */
import { caseFold, complement, DIGIT, LINE_TERMINATORS, MAX_CP, normalise, SPACE, WORD, type Ranges } from './char-ranges';

export type RNode =
  | { k: 'set'; set: Ranges }
  | { k: 'seq'; items: RNode[] }
  | { k: 'alt'; alts: RNode[] }
  | { k: 'rep'; body: RNode; min: number; max: number; start: number; end: number }
  | { k: 'empty' };


export class RegexParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly flags: string,
  ) {}

  parse(): RNode {
    const n = this.alt();
    if (this.i < this.s.length) throw new Error('unexpected )');
    return n;
  }

  private alt(): RNode {
    const alts = [this.seq()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.seq());
    }
    return alts.length === 1 ? alts[0] : { k: 'alt', alts };
  }

  private seq(): RNode {
    const items: RNode[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const start = this.i;
      let atom = this.atom();
      for (;;) {
        const q = this.quantifier();
        if (!q) break;
        atom = { k: 'rep', body: atom, min: q[0], max: q[1], start, end: this.i };
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0] : { k: 'seq', items };
  }

  private quantifier(): [number, number] | undefined {
    const c = this.s[this.i];
    let q: [number, number] | undefined;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    if (q) {
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return undefined;
      this.i += m[0].length;
      q = [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3])];
    } else {
      return undefined;
    }
    if (this.s[this.i] === '?') this.i++; // lazy
    return q;
  }

  private set(r: Ranges): RNode {
    return { k: 'set', set: this.flags.includes('i') ? caseFold(r) : normalise(r) };
  }

  private atom(): RNode {
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (this.s[this.i] === '?') {
        const rest = this.s.slice(this.i);
        if (rest.startsWith('?:')) this.i += 2;
        else if (rest.startsWith('?=') || rest.startsWith('?!')) {
          this.i += 2;
          lookaround = true;
        } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
          this.i += 3;
          lookaround = true;
        } else if (rest.startsWith('?<')) {
          const close = this.s.indexOf('>', this.i);
          if (close < 0) throw new Error('bad group name');
          this.i = close + 1;
        } else {
          const m = /^\?[a-zA-Z-]*:/.exec(rest); // modifiers (?i:...)
          if (!m) throw new Error('unsupported group');
          this.i += m[0].length;
        }
      }
      const body = this.alt();
      if (this.s[this.i] !== ')') throw new Error('missing )');
      this.i++;
      return lookaround ? { k: 'empty' } : body;
    }
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return this.set(this.flags.includes('s') ? [[0, MAX_CP]] : complement(LINE_TERMINATORS));
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { k: 'empty' };
    }
    if (c === '\\') {
      const e = this.escape(false);
      return e === 'empty' ? { k: 'empty' } : this.set(e);
    }
    const cp = this.s.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return this.set([[cp, cp]]);
  }

  /** After a backslash; returns the char set, or 'empty' for assertions and back-references. */
  private escape(inClass: boolean): Ranges | 'empty' {
    this.i++; // backslash
    const c = this.s[this.i++];
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'b':
        return inClass ? [[8, 8]] : 'empty';
      case 'B':
        return 'empty';
      case 'n':
        return [[10, 10]];
      case 'r':
        return [[13, 13]];
      case 't':
        return [[9, 9]];
      case 'v':
        return [[11, 11]];
      case 'f':
        return [[12, 12]];
      case '0':
        return [[0, 0]];
      case 'c': {
        const l = this.s.charCodeAt(this.i++);
        return [[l % 32, l % 32]];
      }
      case 'x': {
        const h = parseInt(this.s.slice(this.i, this.i + 2), 16);
        this.i += 2;
        return Number.isNaN(h) ? [[120, 120]] : [[h, h]];
      }
      case 'u': {
        if (this.s[this.i] === '{') {
          const close = this.s.indexOf('}', this.i);
          const h = parseInt(this.s.slice(this.i + 1, close), 16);
          this.i = close + 1;
          return [[h, h]];
        }
        const h = parseInt(this.s.slice(this.i, this.i + 4), 16);
        this.i += 4;
        return Number.isNaN(h) ? [[117, 117]] : [[h, h]];
      }
      case 'p':
      case 'P': {
        if (this.s[this.i] === '{') this.i = this.s.indexOf('}', this.i) + 1;
        return [[0, MAX_CP]]; // over-approximation
      }
      case 'k': {
        if (this.s[this.i] === '<') this.i = this.s.indexOf('>', this.i) + 1;
        return 'empty';
      }
      default: {
        if (c !== undefined && /[1-9]/.test(c)) {
          while (/[0-9]/.test(this.s[this.i] ?? '')) this.i++;
          return inClass ? [[0, MAX_CP]] : 'empty';
        }
        const cp = this.s.codePointAt(this.i - 1) as number;
        if (cp > 0xffff) this.i++;
        return [[cp, cp]];
      }
    }
  }

  private charClass(): RNode {
    this.i++; // [
    if (this.flags.includes('v')) throw new Error('v-flag classes are not analysed');
    let negate = false;
    if (this.s[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const ranges: Ranges = [];
    const single = (): Ranges | number => {
      if (this.s[this.i] === '\\') {
        const e = this.escape(true);
        if (e === 'empty') return [];
        return e.length === 1 && e[0][0] === e[0][1] ? e[0][0] : e;
      }
      const cp = this.s.codePointAt(this.i) as number;
      this.i += cp > 0xffff ? 2 : 1;
      return cp;
    };
    while (this.i < this.s.length && this.s[this.i] !== ']') {
      const a = single();
      if (typeof a === 'number' && this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && this.i + 1 < this.s.length) {
        this.i++;
        const b = single();
        if (typeof b === 'number') ranges.push([a, b]);
        else ranges.push([a, a], [45, 45], ...b);
      } else if (typeof a === 'number') {
        ranges.push([a, a]);
      } else {
        ranges.push(...a);
      }
    }
    if (this.s[this.i] !== ']') throw new Error('missing ]');
    this.i++;
    let set = normalise(ranges);
    if (this.flags.includes('i')) set = caseFold(set);
    return { k: 'set', set: negate ? complement(set) : set };
  }
}

