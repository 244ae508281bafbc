/**
 * Loading and validating vigil.yaml (SPEC section 5), with positions for every problem.
 *
 * Also home of the YAML-with-positions helpers shared with rules/load.ts: {@link YamlSource}
 * (parse + problems at nodes), {@link substituteEnv} (`${VAR}` / `${VAR:-default}`),
 * {@link schemaProblems} (ajv errors → `file:line:col: message`) and the redaction helpers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { DURATION_PATTERN, parseByteSize, parseDuration, SIZE_PATTERN } from '../duration';
import { EventIdFilterError, parseEventIdFilter } from './event-id-filter';
import { SECRET_ENV_NAME, SECRET_KEYS, vigilConfigSchema } from './schema';
import { splitUserinfo, withoutUserinfo } from './url-userinfo';
import { isLoopbackHost } from './loopback-host';
import {
  formatProblem,
  type ControlConfig,
  type ElasticsearchConfig,
  type EvtxInputConfig,
  type FileInputConfig,
  type FileProblem,
  type InputConfig,
  type SmtpConfig,
  type VigilConfig,
  type WinevtChannelConfig,
} from './types';

// ---------------------------------------------------------------------------------------------
// Errors

/** Thrown by the loaders; `problems` are the individual findings, `message` all of them formatted. */
export class ConfigError extends Error {
  readonly problems: FileProblem[];
  constructor(problems: FileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// ---------------------------------------------------------------------------------------------
// YAML with positions

export type YamlPath = Array<string | number>;

/** Decoded YAML file: the document, a line counter, and the problems found so far. */
export class YamlSource {
  readonly problems: FileProblem[] = [];
  readonly lineCounter = new LineCounter();
  readonly doc: Document.Parsed;
  /** scalar nodes whose value is a secret (secret key, or filled from a secret-looking env var) */
  readonly secretNodes = new Set<Node>();
  /** the secret strings themselves, scrubbed from every problem message as a last resort */
  readonly secretValues = new Set<string>();
  private readonly valueReported = new Set<Node>();

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
    });
    for (const e of this.doc.errors) this.problemAtOffset(e.pos[0], cleanYamlMessage(e.message));
  }

  /** true when the YAML itself parsed (no syntax errors) */
  get syntaxOk(): boolean {
    return this.doc.errors.length === 0;
  }

  pos(offset: number): { line: number; col: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    return this.lineCounter.linePos(o);
  }

  problemAtOffset(offset: number, message: string): void {
    const { line, col } = this.pos(offset);
    this.problems.push({ file: this.file, line, col, message });
  }

  /** Reports at `node` (its first character), or at 1:1 without a node. */
  problemAt(node: Node | null | undefined, message: string): void {
    const r = node?.range;
    if (r) this.problemAtOffset(r[0], message);
    else this.problems.push({ file: this.file, line: 1, col: 1, message });
  }

  /** Reports a problem about a value; a second problem about the same node is dropped. */
  valueProblem(node: Node | null | undefined, message: string): void {
    if (node) {
      if (this.valueReported.has(node)) return;
      this.valueReported.add(node);
    }
    this.problemAt(node, message);
  }

  /** Marks a node as already reported (later value problems about it are dropped). */
  markReported(node: Node): void {
    this.valueReported.add(node);
  }

  hasValueProblem(node: Node | null | undefined): boolean {
    return !!node && this.valueReported.has(node);
  }

  resolve(n: unknown): Node | undefined {
    if (n == null) return undefined;
    if (isAlias(n)) return (n.resolve(this.doc) as Node | undefined) ?? undefined;
    return n as Node;
  }

  /**
   * The value node at `path` (or, with `key`, the key node of its pair). Missing → undefined.
   * An empty value (`key:` with nothing) yields the key node, which is where users look.
   */
  nodeAt(p: YamlPath, opts: { key?: boolean } = {}): Node | undefined {
    let node = this.resolve(this.doc.contents);
    let keyNode: Node | undefined;
    for (const seg of p) {
      if (!node) return undefined;
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((it) => keyText(it.key) === String(seg));
        if (!pair) return undefined;
        keyNode = pair.key as Node;
        const v = this.resolve(pair.value);
        node = v && !(isScalar(v) && v.value == null && v.range && v.range[0] === v.range[1]) ? v : keyNode;
      } else if (isSeq(node)) {
        const i = typeof seg === 'number' ? seg : Number(seg);
        if (!Number.isInteger(i)) return undefined;
        node = this.resolve(node.items[i]);
      } else if (isScalar(node) && (seg === 0 || seg === '0')) {
        // a scalar coerced into a one-element list
      } else {
        return undefined;
      }
    }
    return opts.key ? keyNode : node;
  }

  /** The node at `path`, or the closest existing ancestor. */
  nearestNode(p: YamlPath): Node | undefined {
    for (let n = p.length; n >= 0; n--) {
      const node = this.nodeAt(p.slice(0, n));
      if (node) return node;
    }
    return undefined;
  }

  /** Problem at the node of `path` (or its nearest ancestor). */
  problemAtPath(p: YamlPath, message: string, opts: { key?: boolean; value?: boolean } = {}): void {
    const node = (opts.key ? this.nodeAt(p, { key: true }) : undefined) ?? this.nearestNode(p);
    if (opts.value) this.valueProblem(node, message);
    else this.problemAt(node, message);
  }

  /** Problem at character `index` of the (decoded) string value of `node`. */
  problemInScalar(node: Node | undefined, index: number, message: string): void {
    if (!node || !isScalar(node) || !node.range) return this.problemAt(node, message);
    this.problemAtOffset(scalarSourceOffset(this.text, node, index), message);
  }

  isSecret(node: Node | null | undefined): boolean {
    return !!node && this.secretNodes.has(node);
  }

  markSecret(node: Node, value?: unknown): void {
    this.secretNodes.add(node);
    if (typeof value === 'string' && value.length > 0) this.secretValues.add(value);
  }

  /** The problems, sorted by position, deduplicated, with secret values scrubbed. */
  finish(): FileProblem[] {
    const secrets = [...this.secretValues].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
    const seen = new Set<string>();
    const out: FileProblem[] = [];
    for (const p of this.problems) {
      let message = p.message;
      for (const s of secrets) message = message.split(s).join('[redacted]');
      const q = { ...p, message };
      const k = formatProblem(q);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(q);
    }
    return out.sort((a, b) => a.line - b.line || a.col - b.col);
  }

  /** Plain JS value of the document (null/empty document → undefined). */
  toJS(): unknown {
    const v = this.doc.toJS({ maxAliasCount: 1000 }) as unknown;
    return v === null ? undefined : v;
  }
}

function keyText(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  return String(k);
}

function cleanYamlMessage(m: string): string {
  return m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * Source offset of character `index` of the decoded value of a scalar node: exact for one-line
 * plain, single- and double-quoted scalars (escapes and `''` accounted for), a best-effort
 * alignment for multi-line and block scalars.
 */
export function scalarSourceOffset(text: string, node: Scalar, index: number): number {
  const [start, end] = node.range as [number, number, number];
  const raw = text.slice(start, end);
  const value = typeof node.source === 'string' ? node.source : String(node.value ?? '');
  const map: number[] = [];
  const oneLine = !/[\r\n]/.test(raw);
  if (oneLine && (node.type === 'PLAIN' || node.type === undefined)) {
    return start + Math.min(index, raw.length);
  } else if (oneLine && node.type === 'QUOTE_SINGLE') {
    for (let p = 1; p < raw.length - 1; p++) {
      map.push(p);
      if (raw[p] === "'" && raw[p + 1] === "'") p++;
    }
  } else if (oneLine && node.type === 'QUOTE_DOUBLE') {
    for (let p = 1; p < raw.length - 1; ) {
      if (raw[p] === '\\') {
        const c = raw[p + 1];
        const len = c === 'x' ? 4 : c === 'u' ? 6 : c === 'U' ? 10 : 2;
        map.push(p);
        if (c === 'U') map.push(p);
        p += len;
      } else {
        map.push(p);
        p++;
      }
    }
  } else {
    // greedy alignment of the decoded value against the source text
    let ptr = 0;
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') ptr = raw.indexOf('\n') + 1;
    else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ptr = 1;
    for (let i = 0; i < value.length && i <= index; i++) {
      const c = value[i];
      let j = ptr;
      if (/\s/.test(c)) {
        while (j < raw.length && raw[j] !== c && j - ptr < 8 && /\s/.test(raw[j])) j++;
        if (raw[j] !== c) j = ptr;
      } else {
        while (j < raw.length && raw[j] !== c) j++;
        if (j >= raw.length) j = ptr;
      }
      map.push(j);
      ptr = Math.min(raw.length, j + 1);
    }
  }
  if (index < map.length) return start + map[index];
  if (map.length === 0) return start + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0);
  return start + map[map.length - 1] + 1;
}

// ---------------------------------------------------------------------------------------------
// ${ENV} substitution

export interface EnvSubstitutionOptions {
  env: NodeJS.ProcessEnv;
  /** unset variable without a default: a problem (default) or the empty string */
  unset?: 'error' | 'empty';
  /** only substitute under paths for which this returns true (default: everywhere) */
  include?: (p: YamlPath) => boolean;
}

/** Is the value at this key a secret (password, api_key, secret, token, auth-ish header)? */
export function isSecretKey(key: string | number | undefined, parentKey?: string | number): boolean {
  if (typeof key !== 'string') return false;
  if (SECRET_KEYS.has(key.toLowerCase())) return true;
  if (parentKey === 'headers' && /auth|token|key|secret|cookie|password/i.test(key)) return true;
  return false;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string scalar (values, not keys) in place;
 * `$${` stays a literal `${`. Marks secrets. Problems are reported at the `${` inside the value.
 * Returns the paths of mapping values that became empty (see {@link pruneEmptied}).
 */
export function substituteEnv(src: YamlSource, opts: EnvSubstitutionOptions): YamlPath[] {
  const emptied: YamlPath[] = [];
  const walk = (n: unknown, p: YamlPath, secret: boolean): void => {
    if (n == null || isAlias(n)) return;
    if (isMap(n)) {
      for (const pair of n.items) {
        const k = keyText(pair.key);
        walk(pair.value, [...p, k], secret || isSecretKey(k, p[p.length - 1]));
      }
    } else if (isSeq(n)) {
      n.items.forEach((it, i) => walk(it, [...p, i], secret));
    } else if (isScalar(n)) {
      if (secret) {
        src.markSecret(n as Node);
        if (n.value != null && typeof n.value !== 'string') src.secretValues.add(String(n.value));
      }
      if (typeof n.value !== 'string' || (opts.include && !opts.include(p))) {
        if (secret && typeof n.value === 'string') src.secretValues.add(n.value);
        return;
      }
      const r = expandEnv(n.value, opts.env);
      for (const e of r.errors) {
        if (e.unset && opts.unset === 'empty') continue;
        src.problemInScalar(n as Node, e.index, e.message);
        src.markReported(n as Node);
      }
      if (r.secret) {
        src.markSecret(n as Node);
        for (const part of r.secretParts) src.secretValues.add(part);
      }
      if (secret && r.value) src.secretValues.add(r.value);
      if (r.value !== n.value) {
        n.value = r.value;
        if (r.value === '' && typeof p[p.length - 1] === 'string') emptied.push(p);
      }
    }
  };
  walk(src.doc.contents, [], false);
  return emptied;
}

/** Deletes mapping entries whose value is null (`key:` with nothing): an empty value counts as not set. */
export function pruneNulls(data: unknown): void {
  if (Array.isArray(data)) {
    for (const x of data) pruneNulls(x);
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (v === null) delete (data as Record<string, unknown>)[k];
      else pruneNulls(v);
    }
  }
}

/**
 * Deletes the mapping entries at `paths` from plain data: a value that is empty after `${VAR}`
 * substitution (e.g. `api_key: ${ES_API_KEY:-}`) counts as not set.
 */
export function pruneEmptied(data: unknown, paths: YamlPath[]): void {
  for (const p of paths) {
    let cur: unknown = data;
    for (const seg of p.slice(0, -1)) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
    const last = p[p.length - 1];
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && (cur as Record<string, unknown>)[last as string] === '') {
      delete (cur as Record<string, unknown>)[last as string];
    }
  }
}

interface EnvExpansion {
  value: string;
  /** some part came from a secret-looking variable (its values are in secretParts) */
  secret: boolean;
  secretParts: string[];
  errors: Array<{ index: number; message: string; unset?: boolean }>;
}

/** Expands `${VAR}` / `${VAR:-default}` in one string. */
export function expandEnv(s: string, env: NodeJS.ProcessEnv): EnvExpansion {
  const out: EnvExpansion = { value: '', secret: false, secretParts: [], errors: [] };
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf('$', i);
    if (at < 0) {
      out.value += s.slice(i);
      break;
    }
    out.value += s.slice(i, at);
    if (s.startsWith('$${', at)) {
      out.value += '${';
      i = at + 3;
      continue;
    }
    if (!s.startsWith('${', at)) {
      out.value += '$';
      i = at + 1;
      continue;
    }
    const close = s.indexOf('}', at + 2);
    if (close < 0) {
      out.errors.push({ index: at, message: 'unterminated "${" (write "$${" for a literal "${")' });
      out.value += s.slice(at);
      break;
    }
    const inner = s.slice(at + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/.exec(inner);
    if (!m) {
      out.errors.push({
        index: at,
        message: `bad environment reference "\${${inner.length > 40 ? inner.slice(0, 40) + '...' : inner}}" (expected \${NAME} or \${NAME:-default})`,
      });
    } else {
      const name = m[1];
      const v = env[name];
      if (v !== undefined && (m[2] === undefined || v !== '')) {
        out.value += v;
        if (SECRET_ENV_NAME.test(name)) {
          out.secret = true;
          if (v) out.secretParts.push(v);
        }
      } else if (m[2] !== undefined) {
        out.value += m[2];
      } else {
        out.errors.push({ index: at, message: `environment variable ${name} is not set`, unset: true });
      }
    }
    i = close + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ajv → problems

let ajvInstance: Ajv | undefined;

/** One shared ajv instance configured as the loaders need it. */
export function getAjv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      allErrors: true,
      verbose: true,
      discriminator: true,
      coerceTypes: 'array',
      allowUnionTypes: true,
      strict: false,
    });
  }
  return ajvInstance;
}

/** Human description of a path: `inputs[0].paths`, `` for the root. */
export function displayPath(p: YamlPath): string {
  let s = '';
  for (const seg of p) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_@][\w@-]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

function decodePointer(ptr: string, data: unknown): YamlPath {
  if (!ptr) return [];
  const segs = ptr
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: YamlPath = [];
  let cur: unknown = data;
  for (const s of segs) {
    if (Array.isArray(cur) && /^\d+$/.test(s)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

/** Messages for `pattern` errors, by pattern. */
export interface SchemaMessageOptions {
  patternMessages?: Record<string, (value: unknown, where: string) => string>;
  /** the schema validated against, to resolve `$ref`s of discriminated unions */
  rootSchema?: unknown;
}

/**
 * Turns ajv errors into problems at the offending node: unknown keys at the key, missing keys at
 * the mapping, everything else at the value. Secret values are never echoed.
 */
export function schemaProblems(
  src: YamlSource,
  validate: ValidateFunction,
  data: unknown,
  opts: SchemaMessageOptions = {},
): void {
  const errors = (validate.errors ?? []) as ErrorObject[];
  const concrete = errors.filter((e) => !['if', 'anyOf', 'oneOf', 'allOf', 'not'].includes(e.keyword));
  for (const e of errors) {
    if (['if', 'allOf'].includes(e.keyword)) continue;
    if (['anyOf', 'oneOf', 'not'].includes(e.keyword) && concrete.some((c) => c.instancePath.startsWith(e.instancePath))) continue;
    const p = decodePointer(e.instancePath, data);
    const where = displayPath(p);
    const propertyName = (e as { propertyName?: string }).propertyName;
    if (propertyName !== undefined) {
      // a bad key (propertyNames): report at the key itself
      const custom = e.keyword === 'pattern' ? opts.patternMessages?.[String((e.params as { pattern?: string }).pattern)] : undefined;
      src.problemAt(
        src.nodeAt([...p, propertyName], { key: true }) ?? src.nearestNode(p),
        custom ? custom(propertyName, where) : `invalid key "${propertyName}"${where ? ` in ${where}` : ''}: ${e.message ?? 'not allowed'}`,
      );
      continue;
    }
    const node = src.nodeAt(p);
    const secret = src.isSecret(node) || isSecretKey(p[p.length - 1], p[p.length - 2]);
    const shown = (v: unknown): string => (secret ? '(value hidden)' : JSON.stringify(v));
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const props = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {});
        const inWhere = where ? ` in ${where}` : '';
        const expected = props.length ? ` (expected one of: ${props.join(', ')})` : '';
        src.problemAt(src.nodeAt([...p, key], { key: true }) ?? src.nearestNode(p), `unknown key "${key}"${inWhere}${expected}`);
        break;
      }
      case 'required': {
        const key = String(params.missingProperty);
        const byDiscriminator = errors.some(
          (d) => d.keyword === 'discriminator' && d.instancePath === e.instancePath && (d.params as { tag?: string }).tag === key,
        );
        if (byDiscriminator) break;
        src.problemAt(src.nearestNode(p), `missing required key "${key}"${where ? ` in ${where}` : ''}`);
        break;
      }
      case 'discriminator': {
        const tag = String(params.tag);
        const value = (params.tagValue as unknown) ?? undefined;
        const allowed = discriminatorValues(e, opts.rootSchema);
        if (params.error === 'mapping' && typeof value === 'string') {
          src.valueProblem(
            src.nodeAt([...p, tag]) ?? node,
            `${where ? where + '.' : ''}${tag} must be one of: ${allowed.join(', ')} (got ${shown(value)})`,
          );
        } else if (value === undefined) {
          src.problemAt(src.nearestNode(p), `missing required key "${tag}"${where ? ` in ${where}` : ''} (one of: ${allowed.join(', ')})`);
        } else {
          src.valueProblem(src.nodeAt([...p, tag]) ?? node, `${where ? where + '.' : ''}${tag} must be a string (one of: ${allowed.join(', ')})`);
        }
        break;
      }
      case 'type': {
        const types = String(params.type)
          .split(',')
          .map((t) => TYPE_NAMES[t] ?? t);
        src.valueProblem(node, `${where || 'the file'} must be ${types.join(' or ')}, got ${describeType(e.data)}`);
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
        src.valueProblem(node, `${where} must be ${allowed.length > 1 ? 'one of: ' : ''}${allowed.map((a) => String(a)).join(', ')} (got ${shown(e.data)})`);
        break;
      }
      case 'pattern': {
        const custom = opts.patternMessages?.[String(params.pattern)];
        src.valueProblem(node, custom ? custom(e.data, where) : `${where} ${shown(e.data)} does not match ${String(params.pattern)}`);
        break;
      }
      case 'minItems':
        src.valueProblem(node, Number(params.limit) === 1 ? `${where} must not be empty` : `${where} must have at least ${String(params.limit)} items`);
        break;
      case 'maxItems':
        src.valueProblem(node, `${where} must have at most ${String(params.limit)} items`);
        break;
      case 'minLength':
        src.valueProblem(node, Number(params.limit) === 1 ? `${where} must not be empty` : `${where} must be at least ${String(params.limit)} characters`);
        break;
      case 'maxLength':
        src.valueProblem(node, `${where} must be at most ${String(params.limit)} characters`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        src.valueProblem(node, `${where} must be ${String(params.comparison)} ${String(params.limit)}${secret ? '' : ` (got ${String(e.data)})`}`);
        break;
      case 'propertyNames':
        break; // reported through the nested pattern error
      default:
        src.valueProblem(node, `${where || 'the file'} ${e.message ?? 'is invalid'}`);
    }
  }
}

function discriminatorValues(e: ErrorObject, rootSchema: unknown): string[] {
  const schema = e.parentSchema as { oneOf?: Array<Record<string, unknown>> } | undefined;
  const out: string[] = [];
  for (const sub of schema?.oneOf ?? []) {
    let s: Record<string, unknown> | undefined = sub;
    if (typeof s.$ref === 'string') {
      const ref = s.$ref;
      const root = (rootSchema ?? {}) as Record<string, Record<string, Record<string, unknown>> | undefined>;
      const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
      s = m ? (root[m[1]] ?? {})[m[2]] : undefined;
    }
    const t = ((s?.properties as Record<string, { const?: string; enum?: string[] }> | undefined) ?? {}).type;
    if (t?.const) out.push(t.const);
    else if (t?.enum) out.push(...t.enum);
  }
  return out;
}

/** Pattern messages for the duration and size definitions of both schemas. */
export function durationSizeMessages(durationPattern: string, sizePattern: string): SchemaMessageOptions['patternMessages'] {
  return {
    [durationPattern]: (v, where) => `${where}: ${errText(() => parseDuration(v as string), `invalid duration ${JSON.stringify(v)}`)}`,
    [sizePattern]: (v, where) => `${where}: ${errText(() => parseByteSize(v as string), `invalid size ${JSON.stringify(v)}`)}`,
  };
}

function errText(f: () => unknown, fallback: string): string {
  try {
    f();
    return fallback;
  } catch (e) {
    return (e as Error).message;
  }
}

// ---------------------------------------------------------------------------------------------
// redaction

const secretRegistry = new WeakMap<object, Set<string>>();

/** Remembers the secret strings of a loaded object (for {@link redactConfig} / {@link redactSecrets}). */
export function registerSecrets(obj: object, values: Iterable<string>): void {
  const set = secretRegistry.get(obj) ?? new Set<string>();
  for (const v of values) if (v) set.add(v);
  secretRegistry.set(obj, set);
}

/** The secret strings known for an object returned by a loader. */
export function secretValuesOf(obj: object): string[] {
  return [...(secretRegistry.get(obj) ?? [])];
}

/**
 * A deep copy with secrets replaced by "[redacted]": values of password / api_key / secret /
 * token keys and auth-ish headers, passwords in URLs, and any known secret string (e.g. one that
 * came from a `*SECRET*`/`*PASSWORD*`/`*TOKEN*`/`*KEY*` environment variable).
 */
export function redactSecrets(value: unknown, secrets: Iterable<string> = []): unknown {
  const list = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const scrub = (s: string): string => {
    let out = s.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:)[^/\s]+@/i, '$1[redacted]@');
    for (const sec of list) if (out.includes(sec)) out = out.split(sec).join('[redacted]');
    return out;
  };
  const walk = (v: unknown, key?: string | number, parentKey?: string | number): unknown => {
    if (typeof v === 'string') return isSecretKey(key, parentKey) ? '[redacted]' : scrub(v);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, i, key));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, k, key);
      return out;
    }
    return v;
  };
  return walk(value);
}

/** A copy of the resolved config that is safe to show (status API, logs). */
export function redactConfig(cfg: VigilConfig): unknown {
  return redactSecrets(cfg, secretValuesOf(cfg));
}

// ---------------------------------------------------------------------------------------------
// defaults

export const EMBEDDED_SOURCE = '<embedded default>';
export const DEFAULT_CONTROL_LISTEN = '127.0.0.1:9680';

function toGlobPath(p: string): string {
  return process.platform === 'win32' ? p.replace(/\\/g, '/') : p;
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** Resolves a file path against `base` (`~` is the home directory). */
export function resolvePath(base: string, p: string): string {
  return path.resolve(base, expandHome(p));
}

/** Resolves a glob against `base`; on Windows the result uses forward slashes (glob syntax). */
export function resolveGlob(base: string, g: string): string {
  const e = expandHome(g);
  if (path.isAbsolute(e)) return toGlobPath(e);
  return toGlobPath(path.join(base, e));
}

function defaultFileInput(base: string, id = 'file-1'): FileInputConfig {
  return {
    type: 'file',
    id,
    paths: [resolveGlob(base, 'logs/**/*.json'), resolveGlob(base, 'logs/**/*.ndjson')],
    exclude: [],
    dataset: 'vigil.file',
    max_line_bytes: 1024 * 1024,
    scan_interval_ms: 1000,
    poll_interval_ms: 250,
    close_inactive_ms: 5 * 60_000,
    max_open_files: 256,
    fingerprint_bytes: 1024,
  };
}

const DEFAULT_PIPELINE: VigilConfig['pipeline'] = {
  max_inflight_events: 20000,
  batch_size: 1000,
  flush_interval_ms: 200,
  checkpoint_interval_ms: 1000,
};

/** The configuration used when no vigil.yaml is given (SPEC section 5), relative to `cwd`. */
export function embeddedDefaultConfig(cwd: string = process.cwd()): VigilConfig {
  const base = path.resolve(cwd);
  const stateDir = path.join(base, 'data', 'state');
  return {
    source: EMBEDDED_SOURCE,
    state_dir: stateDir,
    rules: path.join(base, 'rules.yaml'),
    inputs: [defaultFileInput(base)],
    event_store: { dir: path.join(base, 'data', 'events') },
    outbox_dir: path.join(base, 'data', 'outbox'),
    control: { listen: DEFAULT_CONTROL_LISTEN, token_file: path.join(stateDir, 'control.token') },
    logging: { level: 'info' },
    pipeline: { ...DEFAULT_PIPELINE },
  };
}

// ---------------------------------------------------------------------------------------------
// loading

export interface LoadConfigOptions {
  /** relative config paths are resolved against this (default process.cwd()) */
  cwd?: string;
  /** environment for `${VAR}` (default process.env) */
  env?: NodeJS.ProcessEnv;
}

export interface ConfigCheckResult {
  /** the resolved config when there were no problems */
  config?: VigilConfig;
  problems: FileProblem[];
  /** absolute path of the rules file the config points at (also when the config has other problems, if it can tell) */
  rulesPath?: string;
}

let configValidator: ValidateFunction | undefined;
function getConfigValidator(): ValidateFunction {
  if (!configValidator) configValidator = getAjv().compile(vigilConfigSchema);
  return configValidator;
}

/**
 * Loads and validates a config file. Without `file`: the embedded default (relative to `opts.cwd`).
 * Throws {@link ConfigError} with every problem found.
 */
export function loadConfig(file?: string, opts: LoadConfigOptions = {}): VigilConfig {
  const cwd = opts.cwd ?? process.cwd();
  if (file === undefined || file === '') return embeddedDefaultConfig(cwd);
  const r = checkConfigFileDetailed(file, opts);
  if (r.problems.length > 0 || !r.config) throw new ConfigError(r.problems);
  return r.config;
}

/** The problems of a config file (empty when it is valid). */
export function checkConfigFile(file: string, opts: LoadConfigOptions = {}): FileProblem[] {
  return checkConfigFileDetailed(file, opts).problems;
}

/** Reads and validates a config file; problems are labelled with `file` as given. */
export function checkConfigFileDetailed(file: string, opts: LoadConfigOptions = {}): ConfigCheckResult {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    return { problems: [{ file, line: 1, col: 1, message: `cannot read file: ${(e as Error).message}` }] };
  }
  return parseConfigText(text, file, { ...opts, sourcePath: abs });
}

/**
 * Validates config text. `sourcePath` (absolute path of the file) decides the base directory of
 * relative paths (default: `opts.cwd`).
 */
export function parseConfigText(
  text: string,
  fileLabel: string,
  opts: LoadConfigOptions & { sourcePath?: string } = {},
): ConfigCheckResult {
  const cwd = opts.cwd ?? process.cwd();
  const sourcePath = opts.sourcePath ?? path.resolve(cwd, fileLabel);
  const baseDir = path.dirname(sourcePath);
  const src = new YamlSource(text.replace(/^\uFEFF/, ''), fileLabel);
  if (!src.syntaxOk) return { problems: src.finish() };
  const emptied = substituteEnv(src, { env: opts.env ?? process.env, unset: 'error' });
  let data = src.toJS();
  if (data === undefined) data = {};
  pruneNulls(data);
  pruneEmptied(data, emptied);
  const validate = getConfigValidator();
  if (!validate(data)) {
    schemaProblems(src, validate, data, {
      patternMessages: durationSizeMessages(DURATION_PATTERN, SIZE_PATTERN),
      rootSchema: vigilConfigSchema,
    });
  }
  const raw = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const rulesPath = typeof raw.rules === 'string' && raw.rules ? resolvePath(baseDir, raw.rules) : path.join(baseDir, 'rules.yaml');
  const config = buildConfig(src, raw, baseDir, sourcePath);
  const problems = src.finish();
  if (problems.length > 0) return { problems, rulesPath };
  registerSecrets(config, src.secretValues);
  return { config, problems, rulesPath };
}

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Builds the resolved config, reporting semantic problems; returns a config even when there are problems. */
function buildConfig(src: YamlSource, raw: Obj, baseDir: string, sourcePath: string): VigilConfig {
  const dur = (p: YamlPath, v: unknown, def: number): number => {
    if (v === undefined || v === null) return def;
    try {
      return parseDuration(v as string | number);
    } catch (e) {
      src.problemAtPath(p, `${displayPath(p)}: ${src.isSecret(src.nodeAt(p)) ? 'invalid duration' : (e as Error).message}`, { value: true });
      return def;
    }
  };
  const size = (p: YamlPath, v: unknown, def: number): number => {
    if (v === undefined || v === null) return def;
    try {
      return parseByteSize(v as string | number);
    } catch (e) {
      src.problemAtPath(p, `${displayPath(p)}: ${(e as Error).message}`, { value: true });
      return def;
    }
  };
  const int = (v: unknown, def: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : def);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const file = (v: unknown, def: string): string => (str(v) ? resolvePath(baseDir, v as string) : def);

  const cfg = embeddedDefaultConfig(baseDir);
  cfg.source = sourcePath;
  if (str(raw.host_name)) cfg.host_name = raw.host_name as string;
  cfg.state_dir = file(raw.state_dir, cfg.state_dir);
  cfg.rules = file(raw.rules, cfg.rules);
  cfg.event_store = { dir: file(asObj(raw.event_store).dir, cfg.event_store.dir) };
  cfg.outbox_dir = file(raw.outbox_dir, cfg.outbox_dir);
  if (typeof raw.outbox_keep_days === 'number') cfg.outbox_keep_days = raw.outbox_keep_days;

  // pipeline
  const pl = asObj(raw.pipeline);
  cfg.pipeline = {
    max_inflight_events: int(pl.max_inflight_events, DEFAULT_PIPELINE.max_inflight_events),
    batch_size: int(pl.batch_size, DEFAULT_PIPELINE.batch_size),
    flush_interval_ms: dur(['pipeline', 'flush_interval'], pl.flush_interval, DEFAULT_PIPELINE.flush_interval_ms),
    checkpoint_interval_ms: dur(['pipeline', 'checkpoint_interval'], pl.checkpoint_interval, DEFAULT_PIPELINE.checkpoint_interval_ms),
  };

  // logging
  const lg = asObj(raw.logging);
  if (typeof lg.level === 'string' && ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(lg.level)) {
    cfg.logging = { level: lg.level as VigilConfig['logging']['level'] };
  }

  // inputs
  if (Array.isArray(raw.inputs)) cfg.inputs = buildInputs(src, raw.inputs, baseDir, dur, size, int);

  // elasticsearch
  if (raw.elasticsearch !== undefined && raw.elasticsearch !== null) {
    const es = buildElasticsearch(src, asObj(raw.elasticsearch), baseDir, dur, size, int, cfg.pipeline);
    if (es) cfg.elasticsearch = es;
  }

  // smtp
  if (raw.smtp !== undefined && raw.smtp !== null) cfg.smtp = buildSmtp(src, asObj(raw.smtp), baseDir);

  // kibana
  if (str(raw.kibana_url)) {
    const u = raw.kibana_url as string;
    if (!isHttpUrl(u)) {
      src.problemAtPath(['kibana_url'], `kibana_url ${src.isSecret(src.nodeAt(['kibana_url'])) ? '' : JSON.stringify(withoutUserinfo(u)) + ' '}is not an http(s) URL`, { value: true });
    } else if (splitUserinfo(u).username !== undefined) {
      src.secretValues.add(u);
      src.problemAtPath(['kibana_url'], 'kibana_url must not carry a user name or password ("user:password@"): it is put in every alert message', { value: true });
    }
    cfg.kibana_url = withoutUserinfo(u).replace(/\/+$/, '');
  }

  // control
  const ctl = asObj(raw.control);
  const control: ControlConfig = {
    listen: DEFAULT_CONTROL_LISTEN,
    token_file: file(ctl.token_file, path.join(cfg.state_dir, 'control.token')),
  };
  if (str(ctl.listen)) {
    const l = ctl.listen as string;
    if (!parseListen(l)) {
      src.problemAtPath(['control', 'listen'], `control.listen ${JSON.stringify(l)} must be host:port (e.g. 127.0.0.1:9680)`, { value: true });
    }
    control.listen = l;
  }
  const tls = asObj(ctl.tls);
  if (str(tls.cert) && str(tls.key)) control.tls = { cert: resolvePath(baseDir, tls.cert as string), key: resolvePath(baseDir, tls.key as string) };
  if (ctl.allow_insecure === true) control.allow_insecure = true;
  if (Array.isArray(ctl.allowed_hosts)) control.allowed_hosts = asStrings(ctl.allowed_hosts).map((h) => h.toLowerCase());
  const bind = parseListen(control.listen);
  // ":9680" (no host) binds 127.0.0.1 (src/control/server.ts)
  if (bind && !control.tls && !control.allow_insecure && !isLoopbackHost(control.listen.trim().startsWith(':') ? '' : bind.host)) {
    src.problemAtPath(['control', 'listen'], `control.listen ${JSON.stringify(control.listen)} is not a loopback address and control.tls is not set: the bearer token would travel in clear text (set control.tls, or control.allow_insecure: true to accept that)`, { value: true });
  }
  cfg.control = control;
  return cfg;
}

type DurFn = (p: YamlPath, v: unknown, def: number) => number;
type IntFn = (v: unknown, def: number) => number;

function buildInputs(src: YamlSource, list: unknown[], baseDir: string, dur: DurFn, size: DurFn, int: IntFn): InputConfig[] {
  const out: InputConfig[] = [];
  const counters: Record<string, number> = {};
  const ids = new Map<string, number>();
  /**
   * The record filter of a channel or an .evtx input (the object `o` at `at`) put into `into`:
   * event_ids checked (a bad term is reported at its column, and left out), level names normalised.
   */
  const recordFilterInto = (into: { event_ids?: string; levels?: string[]; providers?: string[] }, o: Obj, at: YamlPath): void => {
    if (o.event_ids !== undefined && o.event_ids !== null) {
      const expr = String(o.event_ids);
      try {
        parseEventIdFilter(expr);
        into.event_ids = expr;
      } catch (e) {
        const node = src.nodeAt([...at, 'event_ids']);
        const where = displayPath([...at, 'event_ids']);
        const off = e instanceof EventIdFilterError ? e.offset : 0;
        if (node && isScalar(node) && typeof node.value === 'string') src.problemInScalar(node, off, `${where}: ${(e as Error).message}`);
        else src.problemAt(node, `${where}: ${(e as Error).message}`);
      }
    }
    if (Array.isArray(o.levels)) into.levels = [...new Set(asStrings(o.levels).map(normaliseLevel))];
    if (Array.isArray(o.providers)) into.providers = asStrings(o.providers);
  };
  list.forEach((item, i) => {
    const o = asObj(item);
    const type = o.type;
    if (type !== 'file' && type !== 'winevt' && type !== 'evtx') return; // reported by the schema
    counters[type] = (counters[type] ?? 0) + 1;
    const explicitId = typeof o.id === 'string' && o.id !== '';
    const id = explicitId ? (o.id as string) : `${type}-${counters[type]}`;
    const prev = ids.get(id);
    if (prev !== undefined) {
      src.problemAt(src.nodeAt(['inputs', i, 'id']) ?? src.nodeAt(['inputs', i]), `duplicate input id "${id}" (already used by inputs[${prev}])`);
    } else {
      ids.set(id, i);
    }
    const p = (k: string): YamlPath => ['inputs', i, k];
    if (type === 'file') {
      const paths = asStrings(o.paths);
      if (Array.isArray(o.paths) && paths.length === 0) src.problemAtPath(p('paths'), `file input inputs[${i}] has no paths`, { value: true });
      const inp: FileInputConfig = {
        ...defaultFileInput(baseDir, id),
        paths: paths.map((g) => resolveGlob(baseDir, g)),
        exclude: asStrings(o.exclude).map((g) => (/[\\/]/.test(g) && !g.startsWith('**') ? resolveGlob(baseDir, g) : g)),
      };
      if (typeof o.dataset === 'string') inp.dataset = o.dataset;
      if (typeof o.timestamp_field === 'string') inp.timestamp_field = o.timestamp_field;
      inp.max_line_bytes = size(p('max_line_bytes'), o.max_line_bytes, inp.max_line_bytes);
      if (inp.max_line_bytes < 1) src.problemAtPath(p('max_line_bytes'), `inputs[${i}].max_line_bytes must be at least 1 byte`, { value: true });
      inp.scan_interval_ms = dur(p('scan_interval'), o.scan_interval, inp.scan_interval_ms);
      inp.poll_interval_ms = dur(p('poll_interval'), o.poll_interval, inp.poll_interval_ms);
      inp.close_inactive_ms = dur(p('close_inactive'), o.close_inactive, inp.close_inactive_ms);
      inp.max_open_files = int(o.max_open_files, inp.max_open_files);
      inp.fingerprint_bytes = int(o.fingerprint_bytes, inp.fingerprint_bytes);
      if (o.ignore_older !== undefined) inp.ignore_older_ms = dur(p('ignore_older'), o.ignore_older, 0);
      if (o.follow_symlinks === true) inp.follow_symlinks = true;
      for (const [k, v] of [['scan_interval', inp.scan_interval_ms], ['poll_interval', inp.poll_interval_ms]] as const) {
        if (v <= 0 && !src.hasValueProblem(src.nodeAt(p(k)))) src.problemAtPath(p(k), `inputs[${i}].${k} must be greater than 0`, { value: true });
      }
      out.push(inp);
    } else if (type === 'winevt') {
      const channels: WinevtChannelConfig[] = [];
      (Array.isArray(o.channels) ? o.channels : []).forEach((ch, j) => {
        const cp: YamlPath = ['inputs', i, 'channels', j];
        if (typeof ch === 'string') {
          if (ch) channels.push({ name: ch });
          return;
        }
        const c = asObj(ch);
        if (typeof c.name !== 'string' || !c.name) return;
        const cc: WinevtChannelConfig = { name: c.name };
        recordFilterInto(cc, c, cp);
        if (c.ignore_older !== undefined) cc.ignore_older_ms = dur([...cp, 'ignore_older'], c.ignore_older, 0);
        channels.push(cc);
      });
      const seen = new Map<string, number>();
      channels.forEach((c, j) => {
        const k = c.name.toLowerCase();
        if (seen.has(k)) src.problemAtPath(['inputs', i, 'channels', j], `channel "${c.name}" is listed twice in inputs[${i}]`);
        else seen.set(k, j);
      });
      const wevt = typeof o.wevtutil_path === 'string' && o.wevtutil_path ? o.wevtutil_path : 'wevtutil';
      out.push({
        type: 'winevt',
        id,
        channels,
        wevtutil_path: /[\\/]/.test(wevt) ? resolvePath(baseDir, wevt) : wevt,
        poll_interval_ms: dur(p('poll_interval'), o.poll_interval, 1000),
        batch_size: int(o.batch_size, 100),
      });
    } else {
      const paths = asStrings(o.paths);
      if (Array.isArray(o.paths) && paths.length === 0) src.problemAtPath(p('paths'), `evtx input inputs[${i}] has no paths`, { value: true });
      const scanInterval = dur(p('scan_interval'), o.scan_interval, 10_000);
      if (scanInterval <= 0 && !src.hasValueProblem(src.nodeAt(p('scan_interval')))) src.problemAtPath(p('scan_interval'), `inputs[${i}].scan_interval must be greater than 0`, { value: true });
      const ev: EvtxInputConfig = { type: 'evtx', id, paths: paths.map((g) => resolveGlob(baseDir, g)), scan_interval_ms: scanInterval };
      if (o.follow_symlinks === true) ev.follow_symlinks = true;
      recordFilterInto(ev, o, ['inputs', i]);
      out.push(ev);
    }
  });
  return out;
}

function normaliseLevel(l: string): string {
  switch (l) {
    case 'crit':
      return 'critical';
    case 'err':
      return 'error';
    case 'warn':
      return 'warning';
    case 'info':
      return 'information';
    default:
      return l;
  }
}

function buildElasticsearch(
  src: YamlSource,
  o: Obj,
  baseDir: string,
  dur: DurFn,
  size: DurFn,
  int: IntFn,
  pipeline: VigilConfig['pipeline'],
): ElasticsearchConfig | undefined {
  const hosts: string[] = [];
  const hostPaths: YamlPath[] = [];
  if (typeof o.url === 'string' && o.url) {
    hosts.push(o.url);
    hostPaths.push(['elasticsearch', 'url']);
  }
  if (Array.isArray(o.hosts)) {
    o.hosts.forEach((h, i) => {
      if (typeof h === 'string' && h) {
        hosts.push(h);
        hostPaths.push(['elasticsearch', 'hosts', i]);
      }
    });
  }
  if (o.url !== undefined && o.hosts !== undefined) {
    src.problemAtPath(['elasticsearch', 'hosts'], 'elasticsearch: set either "url" or "hosts", not both', { key: true });
  } else if (o.url === undefined && o.hosts === undefined) {
    src.problemAtPath(['elasticsearch'], 'elasticsearch needs "url" or "hosts"', { key: true });
  }
  // user-info in a URL ("http://elastic:pw@es:9200") becomes username/password: only the bare URL is kept (and shown)
  const fromUrls = new Set<string>();
  let urlCredentials: { username?: string; password?: string } | undefined;
  hosts.forEach((h, i) => {
    const p = hostPaths[i];
    const split = splitUserinfo(h);
    if (split.username !== undefined) src.secretValues.add(h);
    if (split.username !== undefined && isHttpUrl(split.url)) {
      if (split.password) src.secretValues.add(split.password);
      fromUrls.add(JSON.stringify([split.username, split.password]));
      urlCredentials = { username: split.username, password: split.password };
      if (o.api_key !== undefined || o.username !== undefined || o.password !== undefined) {
        src.problemAtPath(p, `${displayPath(p)} carries a user name and password ("user:password@") and elasticsearch.${o.api_key !== undefined ? 'api_key' : 'username/password'} is set too: give the credentials once`, { value: true });
      }
    }
    hosts[i] = split.url;
    if (!isHttpUrl(split.url)) {
      const shown = src.isSecret(src.nodeAt(p)) ? '' : JSON.stringify(split.url) + ' ';
      src.problemAtPath(p, `${displayPath(p)} ${shown}is not an http(s) URL`, { value: true });
    }
  });
  if (fromUrls.size > 1) {
    src.problemAtPath(['elasticsearch', 'hosts'], 'elasticsearch.hosts carry different user names or passwords ("user:password@"): Vigil uses one set for every host; set elasticsearch.username and elasticsearch.password instead', { key: true });
  }
  if (o.api_key !== undefined && (o.username !== undefined || o.password !== undefined)) {
    src.problemAtPath(['elasticsearch', 'api_key'], 'elasticsearch: use either api_key or username/password, not both', { key: true });
  }
  if (o.username !== undefined && o.password === undefined) {
    src.problemAtPath(['elasticsearch', 'username'], 'elasticsearch.username is set but elasticsearch.password is not', { key: true });
  }
  if (o.password !== undefined && o.username === undefined) {
    src.problemAtPath(['elasticsearch', 'password'], 'elasticsearch.password is set but elasticsearch.username is not', { key: true });
  }
  if (o.data_stream !== undefined && o.index !== undefined) {
    src.problemAtPath(['elasticsearch', 'index'], 'elasticsearch: set either data_stream or index, not both', { key: true });
  }
  for (const k of ['data_stream', 'index'] as const) {
    const v = o[k];
    if (typeof v === 'string' && v && !/^[^-_+.A-Z\\/*?"<>|,# :][^A-Z\\/*?"<>|,# :]*$/.test(v)) {
      src.problemAtPath(['elasticsearch', k], `elasticsearch.${k} ${JSON.stringify(v)} is not a valid name (lower case; no spaces or \\ / * ? " < > | , # :; not starting with - _ + .)`, { value: true });
    }
  }
  if (typeof o.ca_fingerprint === 'string' && !/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/.test(o.ca_fingerprint)) {
    src.problemAtPath(['elasticsearch', 'ca_fingerprint'], 'elasticsearch.ca_fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)', { value: true });
  }
  const es: ElasticsearchConfig = {
    hosts: hosts.map((h) => h.replace(/\/+$/, '')),
    batch_size: int(o.batch_size, pipeline.batch_size),
    batch_bytes: size(['elasticsearch', 'batch_bytes'], o.batch_bytes, 5 * 1024 * 1024),
    flush_interval_ms: dur(['elasticsearch', 'flush_interval'], o.flush_interval, 1000),
    max_inflight_requests: int(o.max_inflight_requests, 2),
    request_timeout_ms: dur(['elasticsearch', 'request_timeout'], o.request_timeout, 30_000),
    spool_max_bytes: size(['elasticsearch', 'spool_max_bytes'], o.spool_max_bytes, 2 * 1024 * 1024 * 1024),
    spool_segment_bytes: size(['elasticsearch', 'spool_segment_bytes'], o.spool_segment_bytes, 64 * 1024 * 1024),
  };
  if (typeof o.api_key === 'string') es.api_key = o.api_key;
  if (typeof o.username === 'string') es.username = o.username;
  if (typeof o.password === 'string') es.password = o.password;
  if (urlCredentials && es.api_key === undefined && es.username === undefined) {
    es.username = urlCredentials.username;
    es.password = urlCredentials.password ?? '';
  }
  if (typeof o.ca === 'string' && o.ca) es.ca = resolvePath(baseDir, o.ca);
  if (typeof o.ca_fingerprint === 'string') es.ca_fingerprint = o.ca_fingerprint.replace(/:/g, '').toUpperCase();
  if (typeof o.index === 'string' && o.index) es.index = o.index;
  else es.data_stream = typeof o.data_stream === 'string' && o.data_stream ? o.data_stream : 'logs-vigil-default';
  return es;
}

function buildSmtp(src: YamlSource, o: Obj, baseDir: string): SmtpConfig {
  const secureGiven = typeof o.secure === 'boolean';
  const port = typeof o.port === 'number' ? o.port : o.secure === true ? 465 : 587;
  const secure = secureGiven ? (o.secure as boolean) : port === 465;
  const starttls = typeof o.starttls === 'boolean' ? o.starttls : false;
  if (secure && starttls) {
    src.problemAtPath(['smtp', 'starttls'], 'smtp: secure (implicit TLS) and starttls cannot both be true', { key: true });
  }
  if (o.username !== undefined && o.password === undefined) {
    src.problemAtPath(['smtp', 'username'], 'smtp.username is set but smtp.password is not', { key: true });
  }
  if (typeof o.from === 'string' && o.from && !/@/.test(o.from)) {
    src.problemAtPath(['smtp', 'from'], `smtp.from ${JSON.stringify(o.from)} is not an email address`, { value: true });
  }
  const smtp: SmtpConfig = {
    host: typeof o.host === 'string' ? o.host : '',
    port,
    secure,
    starttls,
    from: typeof o.from === 'string' ? o.from : '',
  };
  if (typeof o.username === 'string') smtp.username = o.username;
  if (typeof o.password === 'string') smtp.password = o.password;
  if (typeof o.ca === 'string' && o.ca) smtp.ca = resolvePath(baseDir, o.ca);
  return smtp;
}

/** `host:port`, `[v6]:port` or `:port` → parts, or undefined when malformed. */
export function parseListen(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
  } catch {
    return false;
  }
}

