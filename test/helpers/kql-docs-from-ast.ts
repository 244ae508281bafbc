import type { Ast, KqlValue, RangeOp } from '../../rules/kql';
import { FREE_TEXT_FIELD, fieldKind, VIGIL_FIELDS } from '../../rules/kql';
import { ipSpan, ipValue } from '../../rules/kql/ip';

/**
 * Events made from a KQL query's AST, to show that a query both selects and leaves out events:
 * each leaf gets a value that satisfies it or one that (nearly) violates it, and the boolean
 * structure decides which leaves must hold. Candidates are then sorted by the local matcher by the
 * caller; this module only proposes them.
 *
 * Elasticsearch maps a field the index template does not name on first sight, so a field keeps one
 * JSON type across every event made here (FieldTypes): strings, or numbers for fields that ranges
 * compare with numbers or whose name says they count, or booleans for `true`/`false` values.
 */

export type Doc = Record<string, unknown>;
type Rng = () => number;

type JsonType = 'string' | 'long' | 'float' | 'boolean' | 'ip';

/** The JSON type each field is generated with, shared by every query of one corpus. */
export class FieldTypes {
  private readonly types = new Map<string, JsonType>();

  typeOf(field: string, hint: JsonType): JsonType {
    const kind = fieldKind(field);
    if (kind === 'long') return hint === 'float' ? 'float' : 'long';
    if (kind === 'ip' || kind === 'boolean') return kind;
    if (kind !== 'dynamic') return 'string';
    let t = this.types.get(field);
    if (!t) { t = hint; this.types.set(field, t); }
    return t;
  }
}

const NUMERIC_NAME = /\.(port|pid|bytes|packets|count|length|size|duration)$|_count$|_bits$|_stdev$|_length$|probability$|risk_score$|OperationCount$|Minimum$/;
/** Flags that are JSON booleans in the sources (a `…new_value: true` is a string there). */
const BOOLEAN_NAME = /\.(trusted|exists|privileged|allowPrivilegeEscalation|host(Network|PID|IPC)|is_\w+|\w*[Ee]nabled)$/;
const INT = /^-?\d+$/;
const FLOAT = /^-?\d+\.\d+$/;

/** The type to give a field first seen with this leaf. */
function hintFor(field: string, node: { type: 'match' | 'range' | 'exists'; text?: string }): JsonType {
  const t = node.text ?? '';
  if (FLOAT.test(t) && (node.type === 'range' || NUMERIC_NAME.test(field))) return 'float';
  if (INT.test(t) && (node.type === 'range' || NUMERIC_NAME.test(field))) return 'long';
  if (node.type !== 'range' && (t === 'true' || t === 'false') && BOOLEAN_NAME.test(field)) return 'boolean';
  if (NUMERIC_NAME.test(field) && node.type === 'exists') return 'long';
  return 'string';
}

/** Whether a parent of the field is a field with values in the template: no event can hold such a field. */
function underLeafField(field: string): boolean {
  for (let dot = field.indexOf('.'); dot > 0; dot = field.indexOf('.', dot + 1)) {
    const kind = fieldKind(field.slice(0, dot));
    if (kind !== 'object' && kind !== 'dynamic') return true;
  }
  return false;
}

/** One candidate event, built leaf by leaf: field path → values (several make an array). */
class Builder {
  readonly values = new Map<string, unknown[]>();
  add(queried: string, v: unknown): void {
    const field = VIGIL_FIELDS.source(queried); // a multi-field's value is its parent's
    if (underLeafField(field)) return; // e.g. process.name.caseless, where the template has process.name a keyword
    const list = this.values.get(field);
    if (list) list.push(v); else this.values.set(field, [v]);
  }
  /**
   * The event, its fields nested as objects or written as dotted keys (Elasticsearch reads both the
   * same way). A field that is also the parent of another cannot be indexed: it is left out.
   */
  build(r: Rng, timestamp: string): Doc {
    const doc: Doc = { '@timestamp': timestamp };
    const paths = [...this.values.keys()].filter((p) => ![...this.values.keys()].some((q) => q.startsWith(`${p}.`)));
    for (const p of paths) {
      const vs = this.values.get(p)!;
      const v = vs.length === 1 ? vs[0] : vs;
      if (r() < 0.5) { doc[p] = v; continue; }
      const segs = p.split('.');
      let node = doc;
      let ok = true;
      for (const s of segs.slice(0, -1)) {
        const next = node[s];
        if (next === undefined) node = (node[s] = {}) as Doc;
        else if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Doc;
        else { ok = false; break; }
      }
      if (ok) node[segs[segs.length - 1]] = v;
      else doc[p] = v;
    }
    return doc;
  }
}

const FILLERS = ['', 'a', 'Zq', 'x.y', '7', 'MiXeD', '\\tmp\\'];
const OTHER = ['vigil-other', 'unrelated value', 'zzz'];

function pick<T>(r: Rng, xs: readonly T[]): T { return xs[Math.floor(r() * xs.length)]; }

function flipCase(s: string): string {
  const up = s.toUpperCase();
  return up !== s ? up : s.toLowerCase();
}

/** A string close to `s` that is not `s` (case, one character more or less), or another value. */
function nearMiss(r: Rng, s: string): string {
  const choices = [
    () => flipCase(s),
    () => `${s}x`,
    () => `x${s}`,
    () => s.slice(0, -1),
    () => s.slice(1),
    () => pick(r, OTHER),
  ];
  const out = pick(r, choices)();
  return out === s || out === '' ? `${s}_` : out;
}

/** A concrete field name for a field pattern: each star becomes a name part. */
function concreteField(pattern: string[], r: Rng): string {
  return pattern.map((seg, i) => (i === 0 ? seg : pick(r, ['0', 'sha256', 'md5', 'x', '1.y']) + seg)).join('');
}

/** An address as text: IPv4-mapped ones dotted, the rest as IPv6. */
function formatIp(n: bigint): string {
  if (n >> 32n === 0xffffn) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((n >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

/** An address inside the value's span (wantMatch) or just after it. */
function ipFor(text: string, wantMatch: boolean): string | undefined {
  const span = ipSpan(text);
  if (!span) return wantMatch ? undefined : '10.99.0.1';
  const max = (1n << 128n) - 1n;
  if (wantMatch) return formatIp(span.from + (span.to > span.from ? 1n : 0n));
  return formatIp(span.to < max ? span.to + 1n : span.from - 1n);
}

function words(s: string): string[] { return s.split(/\s+/).filter(Boolean); }

/** A value that the leaf `field: value` accepts (wantMatch) or probably rejects, by the field's kind. */
function valueFor(field: string, value: KqlValue, wantMatch: boolean, types: FieldTypes, r: Rng): unknown {
  const kind = fieldKind(field);
  const text = value.kind === 'wildcard' ? value.segments.join('') : value.text;
  const type = types.typeOf(field, hintFor(field, { type: 'match', text }));
  if (type === 'long' || type === 'float') {
    const n = Number(text);
    if (value.kind === 'wildcard' || !Number.isFinite(n)) return wantMatch ? undefined : (type === 'long' ? 7 : 7.5);
    return wantMatch ? n : n + 1;
  }
  if (type === 'boolean') {
    if (text !== 'true' && text !== 'false') return wantMatch ? undefined : r() < 0.5;
    return wantMatch ? text === 'true' : text !== 'true';
  }
  if (type === 'ip') return value.kind === 'wildcard' ? (wantMatch ? undefined : '10.98.0.1') : ipFor(text, wantMatch);
  if (kind === 'text') {
    if (value.kind === 'wildcard') {
      const filled = value.segments.join(pick(r, ['', 'ab', 'Q']));
      return wantMatch ? `before ${filled} after` : `before ${nearMiss(r, filled)} after`;
    }
    if (wantMatch) return `${pick(r, ['Start:', 'log', ''])} ${text} ${pick(r, ['end', '', '(x)'])}`.trim();
    const ws = words(text);
    return ws.length > 1 ? [...ws].reverse().join(' ') : `no ${nearMiss(r, text)} here`;
  }
  // keyword, and strings that Elasticsearch maps as keyword on first sight
  if (value.kind === 'wildcard') {
    const filled = value.segments.map((seg, i) => (i === 0 ? seg : pick(r, FILLERS) + seg)).join('');
    if (wantMatch) return filled;
    const literal = value.segments.filter(Boolean);
    if (literal.length === 0) return undefined;
    const segIdx = value.segments.indexOf(pick(r, literal));
    const broken = value.segments.map((seg, i) => (i === segIdx ? nearMiss(r, seg) : seg));
    return broken.map((seg, i) => (i === 0 ? seg : pick(r, FILLERS) + seg)).join('');
  }
  return wantMatch ? text : nearMiss(r, text);
}

function rangeValue(field: string, op: RangeOp, bound: string, wantMatch: boolean, types: FieldTypes): unknown {
  const type = types.typeOf(field, hintFor(field, { type: 'range', text: bound }));
  const n = Number(bound);
  if (type === 'ip') {
    const b = ipValue(bound);
    if (b === undefined) return undefined;
    const above = op === 'gt' || op === 'gte';
    const inclusive = op === 'gte' || op === 'lte';
    const at = wantMatch ? (inclusive ? b : above ? b + 1n : b - 1n) : inclusive ? (above ? b - 1n : b + 1n) : b;
    return at >= 0n && at < (1n << 128n) ? formatIp(at) : undefined;
  }
  if ((type === 'long' || type === 'float') && Number.isFinite(n)) {
    const step = type === 'long' ? 1 : 0.25;
    const above = op === 'gt' || op === 'gte';
    const inclusive = op === 'gte' || op === 'lte';
    if (wantMatch) return inclusive ? n : above ? n + step : n - step;
    return inclusive ? (above ? n - step : n + step) : n;
  }
  // keyword ranges are lexicographic
  if (type === 'string') {
    const above = op === 'gt' || op === 'gte';
    if (wantMatch) return op === 'gte' || op === 'lte' ? bound : above ? `${bound}z` : bound.slice(0, -1) || ' ';
    return op === 'gt' || op === 'lt' ? bound : above ? bound.slice(0, -1) || ' ' : `${bound}z`;
  }
  return undefined;
}

function existsValue(field: string, types: FieldTypes, r: Rng): unknown {
  const type = types.typeOf(field, hintFor(field, { type: 'exists' }));
  if (type === 'long') return Math.floor(r() * 1000);
  if (type === 'float') return 0.5 + Math.floor(r() * 100);
  if (type === 'boolean') return r() < 0.5;
  if (type === 'ip') return pick(r, ['10.0.0.5', '2001:db8::5', '192.168.1.1']);
  return fieldKind(field) === 'text' ? 'some words' : `v${Math.floor(r() * 100)}`;
}

/**
 * Adds to `b` the values that make `ast` true (want) or false, choosing among the ways at random.
 * `fill`: how likely the other children of an `and` made false are made true (near misses when
 * high; when low, queries with many `not (a and b)` sharing fields can still be satisfied).
 */
function assign(ast: Ast, want: boolean, b: Builder, types: FieldTypes, r: Rng, fill: number): void {
  switch (ast.type) {
    case 'and':
      if (want) for (const c of ast.children) assign(c, true, b, types, r, fill);
      else {
        const k = Math.floor(r() * ast.children.length);
        ast.children.forEach((c, i) => { if (i === k) assign(c, false, b, types, r, fill); else if (r() < fill) assign(c, true, b, types, r, fill); });
      }
      return;
    case 'or':
      if (want) assign(pick(r, ast.children), true, b, types, r, fill);
      // false: every child false; near misses of long value lists often hit another value, so
      // sometimes nothing is added at all (which leaves out the fields these children test)
      else if (r() >= 0.4) for (const c of ast.children) assign(c, false, b, types, r, fill);
      return;
    case 'not': assign(ast.child, !want, b, types, r, fill); return;
    case 'exists': {
      if (!want) return; // absent
      const field = ast.fieldPattern ? concreteField(ast.fieldPattern, r) : ast.field;
      b.add(field, existsValue(field, types, r));
      return;
    }
    case 'match': case 'text': {
      const field = ast.type === 'text' ? FREE_TEXT_FIELD : ast.fieldPattern ? concreteField(ast.fieldPattern, r) : ast.field;
      if (!want && r() < 0.3) return; // absent
      const v = valueFor(field, ast.value, want, types, r);
      if (v !== undefined) b.add(field, v);
      return;
    }
    case 'range': {
      if (!want && r() < 0.3) return;
      const v = rangeValue(ast.field, ast.op, ast.value, want, types);
      if (v !== undefined) b.add(ast.field, v);
    }
  }
}

/** `n` candidate events for a query, about half built to match it and half to miss it. */
export function candidateDocs(ast: Ast, n: number, types: FieldTypes, r: Rng, timestamp: string): Doc[] {
  const out: Doc[] = [];
  for (let i = 0; i < n; i++) {
    const b = new Builder();
    assign(ast, i % 2 === 0, b, types, r, [0.7, 0.3, 0][Math.floor(i / 2) % 3]);
    out.push(b.build(r, timestamp));
  }
  return out;
}

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
export function seededRng(seed: number): Rng {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
