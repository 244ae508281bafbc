/**
 * Elasticsearch's `standard` analyzer, as far as Vigil's logs need it: the Unicode word-break rules
 * of UAX #29 (which Lucene's StandardTokenizer implements) followed by lower-casing. The rules that
 * matter for logs: letters, digits and `_` form words; `.` `'` `:` between two letters and `.` `,`
 * `;` `'` between two digits do not split (so `java.lang.OutOfMemoryError`, `10.0.0.1`, `can't`,
 * `v1.2` are single tokens); everything else splits. A plain "split on non-alphanumerics" would
 * disagree with Elasticsearch on exactly those log-typical tokens.
 * Not covered: ideographic scripts (one token per character in Lucene), the 255-character token limit.
 */

const enum C { Other, Letter, Digit, Extend, MidLetter, MidNum, MidBoth }

const LETTER = /\p{L}|\p{M}/u;
const DIGIT = /\p{Nd}/u;
const CONNECTOR = /\p{Pc}/u;
const MID_LETTER = new Set([':', '\u00b7', '\u0387', '\u05f4', '\u2027', '\ufe13', '\ufe55', '\uff1a']);
const MID_NUM = new Set([',', ';', '\u037e', '\u0589', '\u060c', '\u060d', '\u066c', '\u07f8', '\u2044', '\ufe10', '\ufe14', '\ufe50', '\ufe54', '\uff0c', '\uff1b']);
const MID_BOTH = new Set(['.', "'", '\u2018', '\u2019', '\u2024', '\ufe52', '\uff07', '\uff0e']);

function classifySlow(ch: string): C {
  if (MID_BOTH.has(ch)) return C.MidBoth;
  if (MID_LETTER.has(ch)) return C.MidLetter;
  if (MID_NUM.has(ch)) return C.MidNum;
  if (DIGIT.test(ch)) return C.Digit;
  if (LETTER.test(ch)) return C.Letter;
  if (CONNECTOR.test(ch)) return C.Extend;
  return C.Other;
}

// ASCII is classified by table lookup: this runs for every character of every message.
const ASCII: C[] = [];
for (let i = 0; i < 128; i++) ASCII.push(classifySlow(String.fromCharCode(i)));

function classify(ch: string): C {
  const code = ch.charCodeAt(0);
  return code < 128 ? ASCII[code] : classifySlow(ch);
}

const isWordChar = (c: C): boolean => c === C.Letter || c === C.Digit || c === C.Extend;
const joinsLetters = (c: C): boolean => c === C.MidLetter || c === C.MidBoth;
const joinsDigits = (c: C): boolean => c === C.MidNum || c === C.MidBoth;

export const NON_ASCII = /[^\u0000-\u007f]/;

/** The lower-cased tokens the standard analyzer produces for `text`, in order. */
export function analyze(text: string): string[] {
  return NON_ASCII.test(text) ? analyzeUnicode(text) : analyzeAscii(text);
}

/** The same rules on an ASCII string, by character code (most log messages: no per-character strings). */
function analyzeAscii(text: string): string[] {
  const tokens: string[] = [];
  const n = text.length;
  const cls = (k: number): C => ASCII[text.charCodeAt(k)];
  let i = 0;
  while (i < n) {
    if (!isWordChar(cls(i))) { i++; continue; }
    const start = i;
    i++;
    for (;;) {
      if (i < n && isWordChar(cls(i))) { i++; continue; }
      if (i + 1 < n) {
        const before = cls(i - 1);
        const mid = cls(i);
        const after = cls(i + 1);
        if ((before === C.Letter && after === C.Letter && joinsLetters(mid)) ||
            (before === C.Digit && after === C.Digit && joinsDigits(mid))) { i += 2; continue; }
      }
      break;
    }
    tokens.push(text.slice(start, i).toLowerCase());
  }
  return tokens;
}

function analyzeUnicode(text: string): string[] {
  const tokens: string[] = [];
  const chars = Array.from(text); // code points, so astral letters are not split
  const cls = chars.map(classify);
  let i = 0;
  while (i < chars.length) {
    if (!isWordChar(cls[i])) { i++; continue; }
    const start = i;
    i++;
    for (;;) {
      if (i < chars.length && isWordChar(cls[i])) { i++; continue; }
      // a single mid character between two letters (or two digits) keeps the word together
      if (i + 1 < chars.length) {
        const before = cls[i - 1];
        const mid = cls[i];
        const after = cls[i + 1];
        if ((before === C.Letter && after === C.Letter && joinsLetters(mid)) ||
            (before === C.Digit && after === C.Digit && joinsDigits(mid))) { i += 2; continue; }
      }
      break;
    }
    tokens.push(chars.slice(start, i).join('').toLowerCase());
  }
  return tokens;
}
