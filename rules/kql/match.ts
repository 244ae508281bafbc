import { analyze, NON_ASCII } from './analyze';
import { FREE_TEXT_FIELD, type Ast, type KqlValue, type RangeOp } from './ast';
import { dateValueMs, parseDateSpan } from './dates';
import { fieldKind, keywordOf, type FieldKind } from './fields';
import { compileFieldVisitor } from '../field-path';
import { compileGlob, splitWildcardWords } from './glob';

/** A compiled query: true when the event matches. */
export type Matcher = (doc: Record<string, unknown>) => boolean;
/** A test on one indexed value of a field (arrays are tried element by element). */
type ValueTest = (v: unknown) => boolean;

const never: ValueTest = () => false;

/**
 * Compiles a KQL AST into a predicate over Vigil's events with Elasticsearch's semantics under Vigil's
 * mapping (see fields.ts). All per-query work (field paths, analysed terms, patterns, dates) happens
 * here, once; the returned closure only walks the event.
 */
export function compileMatcher(ast: Ast): Matcher {
  switch (ast.type) {
    case 'and': {
      const parts = ast.children.map(compileMatcher);
      return (doc) => parts.every((p) => p(doc));
    }
    case 'or': {
      const parts = ast.children.map(compileMatcher);
      return (doc) => parts.some((p) => p(doc));
    }
    case 'not': {
      const inner = compileMatcher(ast.child);
      return (doc) => !inner(doc);
    }
    case 'exists': return anyValue(ast.field, existsTest(fieldKind(ast.field)));
    case 'match': return anyValue(ast.field, valueTest(fieldKind(ast.field), ast.value));
    case 'text': return anyValue(FREE_TEXT_FIELD, valueTest(fieldKind(FREE_TEXT_FIELD), ast.value));
    case 'range': return anyValue(ast.field, rangeTest(fieldKind(ast.field), ast.op, ast.value));
  }
}

// ---- reading fields -------------------------------------------------------------------------

/** Whether some value at the path passes `test` (how paths are read: ../field-path.ts). */
function anyValue(path: string, test: ValueTest): Matcher {
  const visit = compileFieldVisitor(path);
  return (doc) => visit(doc, test);
}

function hasLeaf(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.some(hasLeaf);
  if (typeof v === 'object') return Object.values(v as object).some(hasLeaf);
  return true;
}

// ---- indexed forms of a value, per field kind ------------------------------------------------

/** A long field coerces numeric strings; anything else is dropped (ignore_malformed). */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

// The rules of one event often read the same text field (message): its analysis is kept for the next one.
let lastText: string | null = null;
let lastTokens: string[] = [];

// and its lower-cased form (ASCII texts only: there lower-casing a piece of the text gives a piece of the lower-cased text)
let lowerFor: string | null = null;
let lowerText: string | null = null;

function asciiLowerCase(v: string): string | null {
  if (v !== lowerFor) {
    lowerText = NON_ASCII.test(v) ? null : v.toLowerCase();
    lowerFor = v;
  }
  return lowerText;
}

/** Whether every string of `list` occurs in `text`. */
function hasAll(list: readonly string[], text: string): boolean {
  for (let i = 0; i < list.length; i++) if (text.indexOf(list[i]) === -1) return false;
  return true;
}

/** Whether some list's every string occurs in `text`. */
function someHasAll(lists: readonly string[][], text: string): boolean {
  outer: for (let i = 0; i < lists.length; i++) {
    const l = lists[i];
    for (let j = 0; j < l.length; j++) if (text.indexOf(l[j]) === -1) continue outer;
    return true;
  }
  return false;
}

function tokensOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') {
    if (v !== lastText) { lastTokens = analyze(v); lastText = v; }
    return lastTokens;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return analyze(String(v));
  return undefined;
}

// ---- tests per field kind ---------------------------------------------------------------------

function existsTest(kind: FieldKind): ValueTest {
  switch (kind) {
    case 'keyword': return (v) => keywordOf(v) !== undefined;
    case 'long': return (v) => numberOf(v) !== undefined;
    case 'date': return (v) => dateValueMs(v) !== undefined;
    // a text value without any token has no norms in Lucene, so `exists` does not see it
    case 'text': return (v) => (tokensOf(v)?.length ?? 0) > 0;
    case 'object': return hasLeaf;
    case 'unindexed': return never;
    case 'dynamic': return (v) => typeof v !== 'object' && v !== null && v !== undefined;
  }
}

function valueTest(kind: FieldKind, value: KqlValue): ValueTest {
  switch (kind) {
    case 'keyword': return keywordTest(value);
    case 'text': return textTest(value);
    case 'long': return numberTest(value);
    case 'date': return dateTest(value);
    case 'object': case 'unindexed': return never;
    case 'dynamic': {
      // as Elasticsearch would have mapped the value: JSON numbers numeric, the rest keyword
      const asNumber = numberTest(value);
      const asKeyword = keywordTest(value);
      return (v) => (typeof v === 'number' ? asNumber(v) : asKeyword(v));
    }
  }
}

function keywordTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') {
    const glob = compileGlob(value.segments);
    return (v) => { const s = keywordOf(v); return s !== undefined && glob(s); };
  }
  const want = value.text;
  return (v) => keywordOf(v) === want;
}

function numberTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') return never; // no wildcard on numbers
  const want = numberOf(value.text);
  if (want === undefined) return never;
  return (v) => numberOf(v) === want;
}

function dateTest(value: KqlValue): ValueTest {
  if (value.kind === 'wildcard') return never;
  const span = parseDateSpan(value.text);
  if (!span) return never;
  return (v) => { const ms = dateValueMs(v); return ms !== undefined && ms >= span.from && ms <= span.to; };
}

function textTest(value: KqlValue): ValueTest {
  if (value.kind === 'phrase') {
    const phrase = analyze(value.text);
    if (phrase.length === 0) return never;
    return (v) => {
      // an ASCII text that lacks one of the phrase's terms has no such token (no tokens looked at)
      if (typeof v === 'string') {
        const lower = asciiLowerCase(v);
        if (lower !== null && !hasAll(phrase, lower)) return false;
      }
      const toks = tokensOf(v);
      if (!toks) return false;
      outer: for (let i = 0; i + phrase.length <= toks.length; i++) {
        for (let j = 0; j < phrase.length; j++) if (toks[i + j] !== phrase[j]) continue outer;
        return true;
      }
      return false;
    };
  }
  // a plain value is a match query (any of its terms); wildcard words test each token
  const { patterns, plain } = value.kind === 'literal'
    ? { patterns: [] as string[][], plain: value.text }
    : splitWildcardWords(value.segments);
  const terms = new Set(analyze(plain));
  const globs = patterns.map(compileGlob);
  if (terms.size === 0 && globs.length === 0) return never;
  // the literal parts of each pattern: a token (a lower-cased piece of the text) that a pattern matches holds
  // them all, so an ASCII text that lacks a part of every pattern has no such token (no tokens looked at)
  // and a term is a token of the text, so it is a piece of the lower-cased text: the same test for each term
  const parts = [...[...terms].map((t) => [t]), ...patterns.map((p) => p.filter((s) => s !== ''))];
  return (v) => {
    if (typeof v === 'string') {
      const lower = asciiLowerCase(v);
      if (lower !== null && !someHasAll(parts, lower)) return false;
    }
    const toks = tokensOf(v);
    if (!toks) return false;
    // (loops, not some() with closures: this runs for every token of every message a rule reads)
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (terms.has(t)) return true;
      for (let j = 0; j < globs.length; j++) if (globs[j](t)) return true;
    }
    return false;
  };
}

function compare<T>(op: RangeOp, a: T, b: T): boolean {
  switch (op) {
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'lt': return a < b;
    case 'lte': return a <= b;
  }
}

function rangeTest(kind: FieldKind, op: RangeOp, text: string): ValueTest {
  switch (kind) {
    case 'long': return numberRange(op, text);
    case 'date': {
      const span = parseDateSpan(text);
      if (!span) return never;
      // missing date components round down for gte/lt and up for gt/lte, as in Elasticsearch
      const bound = op === 'gt' || op === 'lte' ? span.to : span.from;
      return (v) => { const ms = dateValueMs(v); return ms !== undefined && compare(op, ms, bound); };
    }
    // keyword ranges are lexicographic, as in Elasticsearch ("500" > "4625")
    case 'keyword': return (v) => { const s = keywordOf(v); return s !== undefined && compare(op, s, text); };
    case 'text': return (v) => tokensOf(v)?.some((t) => compare(op, t, text)) ?? false;
    case 'object': case 'unindexed': return never;
    case 'dynamic': {
      const asNumber = numberRange(op, text);
      return (v) => (typeof v === 'number' ? asNumber(v) : typeof v === 'string' && compare(op, v, text));
    }
  }
}

function numberRange(op: RangeOp, text: string): ValueTest {
  const bound = numberOf(text);
  if (bound === undefined) return never;
  return (v) => { const n = numberOf(v); return n !== undefined && compare(op, n, bound); };
}
